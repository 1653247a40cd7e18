"""The order the regulation sets for a wage sheet (《保障农民工工资支付条例》, 国务院令第724号):

第三十一条：工程建设领域推行分包单位农民工工资委托施工总承包单位代发制度。分包单位应当按月考核农民工工作量并编制
工资支付表，经农民工本人签字确认后，与当月工程进度等情况一并交施工总承包单位。施工总承包单位根据分包单位编制的
工资支付表，通过农民工工资专用账户直接将工资支付到农民工本人的银行账户，并向分包单位提供代发工资凭证。
— Art. 31: the employer prepares the monthly wage sheet, the worker signs it, *then* it goes to the
general contractor, who pays from the wage account and gives the employer a payment voucher.

So the worker confirms the line *before* it goes to the general contractor: the preparer sends
every line (``issue_slips``); each worker confirms it with a handwritten signature or disputes it
(services/payroll/slips.py). A dispute is answered by correcting the inputs and rebuilding (the
slip goes back to ``to_confirm`` with a new version, the old one kept in ``slip_history``) or by
holding the line for a supplementary payroll of the month (``hold_line``) so nobody else waits.
A worker who cannot be reached is not left unpaid: after the project's confirmation window
(``slip_confirm_days``, default 3) the preparer may release the line with a reason
(``release_line``), audited and shown to the supervisor as a warning. A line that repays an
advance (借支) cannot be released: the advance needs the worker's signed acknowledgement (hold it). The payroll is submitted
only when every line is confirmed, released or held (services/payroll/approval.py).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from models import db
from models.base import utcnow
from models.payroll import Payroll, PayrollLine, PayrollStatus, SlipStatus
from services import audit
from services.authz import Action
from services.errors import Conflict
from services.payroll.access import line_of, payroll_for, require_status
from services.payroll.build import payroll_rules, rebuild
from services.payroll.deductions import unacknowledged_advances

OPEN_PAYROLL = (PayrollStatus.DRAFT, PayrollStatus.REJECTED)
SETTLED_SLIPS = (SlipStatus.CONFIRMED.value, SlipStatus.RELEASED.value, SlipStatus.HELD.value)


def issue_slips(actor_id: int, payroll_id: int) -> Payroll:
    """Rebuild, then send every line not yet sent to its worker (status ``to_confirm``)."""
    payroll = payroll_for(actor_id, payroll_id, Action.PAYROLL_EMPLOYER)
    require_status(payroll, *OPEN_PAYROLL, code="PAYROLL_NOT_DRAFT")
    payroll = rebuild(actor_id, payroll)
    now = utcnow()
    sent = db.session.execute(update(PayrollLine).where(
        PayrollLine.payroll_id == payroll.id, PayrollLine.slip_status == SlipStatus.DRAFT.value).values(
        slip_status=SlipStatus.TO_CONFIRM.value, slip_version=PayrollLine.slip_version + 1, issued_at=now),
        execution_options={"synchronize_session": False}).rowcount
    db.session.expire_all()  # the lines changed behind the session's back (one UPDATE for 10,000 slips)
    payroll = db.session.get(Payroll, payroll_id)
    audit.record("payroll.slips_issued", actor_user_id=actor_id, object_type="payroll", object_id=payroll.id,
                 details={"issued": sent, "lines": payroll.line_count, "fingerprint": payroll.fingerprint})
    from infra import jobs

    # new slips and corrected ones (notified_at cleared) are announced; the job never sends twice
    if payroll.line_count:
        jobs.enqueue("workers.payroll.notify_payslips", payroll.id, queue="default", retry_max=3)
    return payroll


def unsettled_lines(payroll: Payroll) -> list[dict]:
    """Lines neither confirmed, released nor held: what keeps the payroll from being submitted."""
    return [{"line_id": lid, "user_id": uid, "name_masked": name, "slip_status": status}
            for lid, uid, name, status in db.session.execute(select(
                PayrollLine.id, PayrollLine.user_id, PayrollLine.name_masked, PayrollLine.slip_status).where(
                PayrollLine.payroll_id == payroll.id, PayrollLine.slip_status.not_in(SETTLED_SLIPS))
                .order_by(PayrollLine.id))]


def _open_line(actor_id: int, payroll_id: int, line_id: int, *allowed: SlipStatus) -> tuple[Payroll, PayrollLine]:
    payroll = payroll_for(actor_id, payroll_id, Action.PAYROLL_EMPLOYER)
    require_status(payroll, *OPEN_PAYROLL, code="PAYROLL_NOT_DRAFT")
    line = line_of(payroll, line_id)
    if line.slip_status not in {s.value for s in allowed}:
        raise Conflict("SLIP_NOT_OPEN", details={"line_id": line.id, "slip_status": line.slip_status})
    return payroll, line


def hold_line(actor_id: int, payroll_id: int, line_id: int, reason: str) -> PayrollLine:
    """A disputed (or unanswered) line waits for the supplementary payroll of the month; the others go on."""
    payroll, line = _open_line(actor_id, payroll_id, line_id, SlipStatus.TO_CONFIRM, SlipStatus.DISPUTED,
                               SlipStatus.DRAFT)
    previous = line.slip_status
    line.slip_status, line.resolution, line.resolved_by, line.resolved_at = (
        SlipStatus.HELD.value, reason, actor_id, utcnow())
    db.session.flush()
    audit.record("payroll.line_held", actor_user_id=actor_id, object_type="payroll_line", object_id=line.id,
                 details={"payroll_id": payroll.id, "user_id": line.user_id, "from": previous, "reason": reason,
                          "net_fen": line.net_fen})
    return line


def release_after(payroll: Payroll, line: PayrollLine):
    days = payroll_rules(payroll.project_id).slip_confirm_days
    return (line.issued_at or utcnow()) + timedelta(days=days)


def release_line(actor_id: int, payroll_id: int, line_id: int, reason: str) -> PayrollLine:
    """A worker who did not answer within the window is paid all the same: released, with a reason."""
    payroll, line = _open_line(actor_id, payroll_id, line_id, SlipStatus.TO_CONFIRM)
    if any(d["kind"] == "advance" and d["applied_fen"] for d in line.deductions) and unacknowledged_advances(
            payroll.project_id, line.user_id, [payroll.month, *line.carried_months]):
        # an advance is repaid only with the worker's own acknowledgement, which is the slip's signature
        raise Conflict("ADVANCE_UNACKNOWLEDGED", details={"line_id": line.id})
    after = release_after(payroll, line)
    if utcnow() < after:
        raise Conflict("CONFIRM_WINDOW_OPEN", details={"line_id": line.id, "release_after": after.isoformat()})
    line.slip_status, line.resolution, line.resolved_by, line.resolved_at = (
        SlipStatus.RELEASED.value, reason, actor_id, utcnow())
    db.session.flush()
    audit.record("payroll.line_released", actor_user_id=actor_id, object_type="payroll_line", object_id=line.id,
                 details={"payroll_id": payroll.id, "user_id": line.user_id, "reason": reason,
                          "issued_at": line.issued_at.isoformat() if line.issued_at else None,
                          "net_fen": line.net_fen})
    return line
