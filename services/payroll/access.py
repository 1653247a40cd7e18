"""Who may see or touch a payroll and its lines (through services/authz.py POLICY)."""

from __future__ import annotations

from models import db
from models.payroll import Payroll, PayrollLine, PayrollStatus
from services.authz import Action, authorize, may
from services.errors import Conflict, NotFound


def payroll_for(actor_id: int, payroll_id: int, action: Action) -> Payroll:
    payroll = db.session.get(Payroll, payroll_id)
    if payroll is None:
        raise NotFound("PAYROLL_NOT_FOUND", "工资表不存在")
    authorize(actor_id, action, payroll.project_id)
    return payroll


def sees_lines(actor_id: int, payroll: Payroll) -> bool:
    """Supervisors and owners read status and totals only; names and amounts stay with payroll staff."""
    return may(actor_id, Action.PAYROLL_LINES, payroll.project_id)


def require_status(payroll: Payroll, *statuses: PayrollStatus, code: str, message: str) -> None:
    if payroll.status not in {s.value for s in statuses}:
        raise Conflict(code, message, {"payroll_id": payroll.id, "status": payroll.status})


def own_slip(actor_id: int, line_id: int) -> tuple[PayrollLine, Payroll]:
    """A worker's own line of an approved payroll; anyone else's is not found."""
    line = db.session.get(PayrollLine, line_id)
    payroll = db.session.get(Payroll, line.payroll_id) if line is not None else None
    if line is None or payroll is None or line.user_id != actor_id or payroll.status != PayrollStatus.APPROVED.value:
        raise NotFound("PAYSLIP_NOT_FOUND", "工资条不存在")
    return line, payroll
