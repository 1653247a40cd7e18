"""Reading payrolls: the project's list, one payroll with its lines (paginated) for payroll staff,
status and totals only for supervisors and owners."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from models.payroll import Payroll, PayrollLine
from services.authz import Action, scope
from services.pagination import Page, Paged, paged_rows
from services.payroll.access import payroll_for, sees_lines


@dataclass
class PayrollView:
    payroll: Payroll
    detailed: bool  # lines and blockers shown (payroll staff)
    lines: Paged[PayrollLine]


def project_payrolls(actor_id: int, project_id: int, page: Page = Page()) -> Paged[Payroll]:
    """Every employer's payrolls for the project's staff; a subcontractor clerk's own company's only."""
    reach = scope(actor_id, Action.PAYROLL_STATUS, project_id)
    query = select(Payroll).where(Payroll.project_id == project_id)
    if not reach.whole_project:
        query = query.where(Payroll.company_id.in_(sorted(reach.company_ids) or [-1]))
    paged = paged_rows(query, Payroll.id, page)
    return Paged([row[0] for row in paged.items], paged.next_after)


def payroll_view(actor_id: int, payroll_id: int, page: Page = Page()) -> PayrollView:
    payroll = payroll_for(actor_id, payroll_id, Action.PAYROLL_STATUS)
    if not sees_lines(actor_id, payroll):
        return PayrollView(payroll, False, Paged([], None))
    paged = paged_rows(select(PayrollLine).where(PayrollLine.payroll_id == payroll.id), PayrollLine.id, page)
    return PayrollView(payroll, True, Paged([row[0] for row in paged.items], paged.next_after))
