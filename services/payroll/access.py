"""Who may see or touch a payroll and its lines (through services/authz.py POLICY).

A payroll belongs to an employer: the actions of the employer (build, issue slips, hold,
release, submit) reach the employer's own payrolls only (``Reach.COMPANY``); the general
contractor's labour manager reviews and pays every employer's payrolls (``Reach.PROJECT``).
"""

from __future__ import annotations

from models import db
from models.payroll import Payroll, PayrollLine, PayrollStatus, SlipStatus
from services.authz import Action, authorize, may
from services.errors import Conflict, NotFound

EMPLOYER_ACTIONS = (Action.PAYROLL_EMPLOYER, Action.PAYROLL_LINES, Action.PAYROLL_STATUS)


def payroll_for(actor_id: int, payroll_id: int, action: Action) -> Payroll:
    payroll = db.session.get(Payroll, payroll_id)
    if payroll is None:
        raise NotFound("PAYROLL_NOT_FOUND", "工资表不存在")
    if action in EMPLOYER_ACTIONS:
        authorize(actor_id, action, payroll.project_id, company_id=payroll.company_id)
    else:
        authorize(actor_id, action, payroll.project_id)
    return payroll


def line_of(payroll: Payroll, line_id: int) -> PayrollLine:
    line = db.session.get(PayrollLine, line_id)
    if line is None or line.payroll_id != payroll.id:
        raise NotFound("LINE_NOT_FOUND", details={"payroll_id": payroll.id, "line_id": line_id})
    return line


def sees_lines(actor_id: int, payroll: Payroll) -> bool:
    """Supervisors and owners read status and totals only; names and amounts stay with payroll staff."""
    return may(actor_id, Action.PAYROLL_LINES, payroll.project_id, company_id=payroll.company_id)


def require_status(payroll: Payroll, *statuses: PayrollStatus, code: str, message: str | None = None) -> None:
    if payroll.status not in {s.value for s in statuses}:
        raise Conflict(code, message, {"payroll_id": payroll.id, "status": payroll.status})


def own_slip(actor_id: int, line_id: int) -> tuple[PayrollLine, Payroll]:
    """A worker's own slip, once it was sent to them; anyone else's is not found."""
    line = db.session.get(PayrollLine, line_id)
    payroll = db.session.get(Payroll, line.payroll_id) if line is not None else None
    if line is None or payroll is None or line.user_id != actor_id or line.slip_status == SlipStatus.DRAFT.value:
        raise NotFound("PAYSLIP_NOT_FOUND", "工资条不存在")
    return line, payroll
