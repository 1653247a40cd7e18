"""Pay slips: a worker's own lines of approved payrolls, signed (handwritten PNG) or disputed in the app."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from models import db
from models.base import utcnow
from models.payroll import Payroll, PayrollLine, PayrollStatus, PayslipSubscription, SlipStatus
from services import audit, pii
from services.contracts.signing import SIGNATURE_MAX_BYTES, clean_signature  # noqa: F401  (the same limit for slips)
from services.errors import Conflict
from services.pagination import Page, Paged, paged_rows
from services.payroll.access import own_slip

MAX_SUBSCRIPTIONS = 20  # WeChat keeps one send per acceptance; more than this is a client loop


def signature_context(line_id: int) -> str:
    return f"payroll_lines.signature:{line_id}"


def my_payslips(actor_id: int, project_id: int | None, page: Page = Page()) -> Paged[tuple[PayrollLine, Payroll]]:
    query = select(PayrollLine, Payroll).join(Payroll, Payroll.id == PayrollLine.payroll_id).where(
        PayrollLine.user_id == actor_id, Payroll.status == PayrollStatus.APPROVED.value)
    if project_id is not None:
        query = query.where(Payroll.project_id == project_id)
    paged = paged_rows(query, PayrollLine.id, page)
    return Paged([(line, payroll) for line, payroll in paged.items], paged.next_after)


def get_payslip(actor_id: int, line_id: int) -> tuple[PayrollLine, Payroll]:
    return own_slip(actor_id, line_id)


def confirm_payslip(actor_id: int, line_id: int, signature: bytes) -> tuple[PayrollLine, Payroll]:
    line, payroll = own_slip(actor_id, line_id)
    if line.slip_status == SlipStatus.CONFIRMED.value:
        raise Conflict("PAYSLIP_ALREADY_CONFIRMED", "工资条已签字确认")
    signature = clean_signature(signature)  # decoded, bounded, re-encoded: the wage-sheet PDF draws it
    line.signature_enc = pii.encrypt_bytes(signature, context=signature_context(line.id))
    line.signature_sha256 = hashlib.sha256(signature).hexdigest()
    line.slip_status, line.confirmed_at = SlipStatus.CONFIRMED.value, utcnow()
    db.session.flush()
    audit.record("payslip.confirmed", actor_user_id=actor_id, object_type="payroll_line", object_id=line.id,
                 details={"payroll_id": payroll.id, "net_fen": line.net_fen,
                          "signature_sha256": line.signature_sha256})
    return line, payroll


def dispute_payslip(actor_id: int, line_id: int, reason: str) -> tuple[PayrollLine, Payroll]:
    line, payroll = own_slip(actor_id, line_id)
    if line.slip_status == SlipStatus.CONFIRMED.value:
        raise Conflict("PAYSLIP_ALREADY_CONFIRMED", "工资条已签字确认，如有问题请联系劳资专管员")
    line.slip_status, line.dispute_reason, line.disputed_at = SlipStatus.DISPUTED.value, reason, utcnow()
    db.session.flush()
    audit.record("payslip.disputed", actor_user_id=actor_id, object_type="payroll_line", object_id=line.id,
                 details={"payroll_id": payroll.id, "reason": reason})
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
