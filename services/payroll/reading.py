"""Reading payrolls: the project's list, one payroll with its lines (paginated) for payroll staff,
status and totals only for supervisors and owners."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from models import db
from models.payroll import Payroll, PayrollLine
from services.authz import Action, authorize
from services.pagination import Page, page_by_id
from services.payroll.access import payroll_for, sees_lines


@dataclass
class PayrollView:
    payroll: Payroll
    detailed: bool  # lines and blockers shown (payroll staff)
    lines: Page[PayrollLine]


def project_payrolls(actor_id: int, project_id: int) -> list[Payroll]:
    authorize(actor_id, Action.PAYROLL_STATUS, project_id)
    return list(db.session.execute(select(Payroll).where(Payroll.project_id == project_id)
                                   .order_by(Payroll.month.desc())).scalars())


def payroll_view(actor_id: int, payroll_id: int, *, limit: int, cursor: str | None) -> PayrollView:
    payroll = payroll_for(actor_id, payroll_id, Action.PAYROLL_STATUS)
    if not sees_lines(actor_id, payroll):
        return PayrollView(payroll, False, Page([], None))
    query = select(PayrollLine).where(PayrollLine.payroll_id == payroll.id)
    return PayrollView(payroll, True, page_by_id(query, PayrollLine.id, limit=limit, cursor=cursor))
