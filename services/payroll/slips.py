"""Pay slips: a worker's own lines, sent to them *before* the payroll goes to the general contractor
(services/payroll/order.py), confirmed with a handwritten signature (PNG) or disputed in the app.

《保障农民工工资支付条例》第三十一条（节选）：分包单位应当按月考核农民工工作量并编制工资支付表，经农民工本人
签字确认后，与当月工程进度等情况一并交施工总承包单位。 The confirmation is that signature; a confirmed slip
also acknowledges the advances (借支) deducted on it.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from models import db
from models.attendance import AttendanceDay
from models.base import utcnow
from models.payroll import Payroll, PayrollLine, PayrollStatus, PayslipSubscription, SlipStatus
from services import audit, pii
from services.attendance.locks import month_bounds
from services.contracts.signing import SIGNATURE_MAX_BYTES  # noqa: F401  (the same limit for slips)
from services.contracts.signing import _check_signature as check_signature_png
from services.errors import Conflict
from services.pagination import Page, Paged, paged_rows
from services.payroll.access import own_slip
from services.payroll.build import overtime_rule
from services.payroll.employers import company_name

OPEN_SLIPS = (SlipStatus.TO_CONFIRM.value, SlipStatus.DISPUTED.value)
OPEN_PAYROLLS = (PayrollStatus.DRAFT.value, PayrollStatus.REJECTED.value)
MAX_SUBSCRIPTIONS = 20  # WeChat keeps one send per acceptance; more than this is a client loop


def signature_context(line_id: int) -> str:
    return f"payroll_lines.signature:{line_id}"


def my_payslips(actor_id: int, project_id: int | None, page: Page = Page()) -> Paged[tuple[PayrollLine, Payroll]]:
    query = select(PayrollLine, Payroll).join(Payroll, Payroll.id == PayrollLine.payroll_id).where(
        PayrollLine.user_id == actor_id, PayrollLine.slip_status != SlipStatus.DRAFT.value)
    if project_id is not None:
        query = query.where(Payroll.project_id == project_id)
    paged = paged_rows(query, PayrollLine.id, page)
    return Paged([(line, payroll) for line, payroll in paged.items], paged.next_after)


COUNTED = {"present": 1.0, "half": 0.5}
STATUS_TEXT = {"present": "全天", "half": "半天", "absent": "缺勤", "missing_out": "缺下班卡"}


def slip_days(line: PayrollLine, payroll: Payroll) -> list[dict]:
    """Every day of the slip's months and why it counts (or not): the leader's confirmation, a correction."""
    rule = overtime_rule(payroll.project_id)
    out = []
    for month in sorted({payroll.month, *line.carried_months}):
        first, after = month_bounds(month)
        for d in db.session.execute(select(AttendanceDay).where(
                AttendanceDay.project_id == payroll.project_id, AttendanceDay.user_id == line.user_id,
                AttendanceDay.business_date >= first, AttendanceDay.business_date < after)
                .order_by(AttendanceDay.business_date)).scalars():
            confirmed = d.confirmed_at is not None
            counted = COUNTED.get(d.status, 0.0) if confirmed else 0.0
            why = ("班组长确认" + ("（已更正考勤）" if d.corrected else "")) if confirmed else "未确认，不计入"
            out.append({"date": d.business_date, "status": d.status, "counted_days": counted,
                        "worked_minutes": d.worked_minutes,
                        "overtime_minutes": max(0, d.worked_minutes - rule.after_minutes) if confirmed else 0,
                        "why": f"{STATUS_TEXT.get(d.status, d.status)}，{why}"})
    return out


def get_payslip(actor_id: int, line_id: int) -> tuple[PayrollLine, Payroll, str, list[dict]]:
    line, payroll = own_slip(actor_id, line_id)
    return line, payroll, company_name(payroll.company_id), slip_days(line, payroll)


def _open_slip(actor_id: int, line_id: int) -> tuple[PayrollLine, Payroll]:
    line, payroll = own_slip(actor_id, line_id)
    if line.slip_status == SlipStatus.CONFIRMED.value:
        raise Conflict("PAYSLIP_ALREADY_CONFIRMED", "工资条已签字确认")
    if line.slip_status not in OPEN_SLIPS or payroll.status not in OPEN_PAYROLLS:
        raise Conflict("PAYSLIP_NOT_OPEN", details={"status": line.slip_status, "payroll_status": payroll.status})
    return line, payroll


def confirm_payslip(actor_id: int, line_id: int, signature: bytes) -> tuple[PayrollLine, Payroll]:
    line, payroll = _open_slip(actor_id, line_id)
    check_signature_png(signature)
    line.signature_enc = pii.encrypt_bytes(signature, context=signature_context(line.id))
    line.signature_sha256 = hashlib.sha256(signature).hexdigest()
    line.slip_status, line.confirmed_at = SlipStatus.CONFIRMED.value, utcnow()
    db.session.flush()
    audit.record("payslip.confirmed", actor_user_id=actor_id, object_type="payroll_line", object_id=line.id,
                 details={"payroll_id": payroll.id, "net_fen": line.net_fen, "version": line.slip_version,
                          "signature_sha256": line.signature_sha256})
    return line, payroll


def dispute_payslip(actor_id: int, line_id: int, reason: str) -> tuple[PayrollLine, Payroll]:
    line, payroll = _open_slip(actor_id, line_id)
    line.slip_status, line.dispute_reason, line.disputed_at = SlipStatus.DISPUTED.value, reason, utcnow()
    db.session.flush()
    audit.record("payslip.disputed", actor_user_id=actor_id, object_type="payroll_line", object_id=line.id,
                 details={"payroll_id": payroll.id, "reason": reason, "version": line.slip_version})
    return line, payroll


def signature_png(line: PayrollLine) -> bytes | None:
    return None if line.signature_enc is None else pii.decrypt_bytes(line.signature_enc,
                                                                      context=signature_context(line.id))


def subscribe(actor_id: int) -> PayslipSubscription:
    """The worker accepted the payslip subscribe message once more (wx.requestSubscribeMessage)."""
    row = db.session.get(PayslipSubscription, actor_id)
    if row is None:
        row = PayslipSubscription(user_id=actor_id, remaining=0)
        db.session.add(row)
    row.remaining, row.updated_at = min(row.remaining + 1, MAX_SUBSCRIPTIONS), utcnow()
    db.session.flush()
    return row
