"""Settlement on leaving (退场结算).

《工资支付暂行规定》第九条：劳动关系双方依法解除或终止劳动合同时，用人单位应在解除或
终止劳动合同时一次付清劳动者工资。 — the worker who leaves is paid at once.

Terminating a contract (services/contracts/lifecycle.terminate) opens a settlement payroll for that
worker and month: every confirmed day of the month up to the last day, due within the project's
``settlement_days`` (default 3). It goes the same way as every payroll — slip confirmed by the
worker, submitted, reviewed (a subcontractor's), approved, paid — and the month's monthly payroll
leaves the worker out. A settlement not paid by its due date is a warning (SETTLEMENT_OVERDUE).
Days of an earlier month not yet approved are paid with the settlement once the preparer defers the
worker from that month's payroll (``POST /payrolls/{id}/deferrals``): the settlement carries every
deferred month of its worker, as any later payroll does.
"""

from __future__ import annotations

from datetime import date, timedelta

from models import Team, db
from models.payroll import Payroll, PayrollKind
from services.attendance.locks import is_locked, month_of
from services.authz import general_contractor_of
from services.payroll.build import new_payroll, payroll_rules, rebuild
from services.payroll.employers import next_seq


def open_settlement(actor_id: int, project_id: int, user_id: int, team_id: int | None,
                    last_day: date) -> Payroll | None:
    """The leaving worker's settlement payroll, built at once (a draft; the employer issues the slip).
    None when the month's wages were approved already (a back-dated leaving: that payroll paid the days)."""
    if is_locked(project_id, last_day):
        return None
    month = month_of(last_day)
    team = db.session.get(Team, team_id) if team_id is not None else None
    company_id = (team.company_id if team is not None else None) or general_contractor_of(project_id)
    gc = general_contractor_of(project_id)
    seq = next_seq(project_id, month, company_id, PayrollKind.SETTLEMENT.value)
    due = last_day + timedelta(days=payroll_rules(project_id).settlement_days)
    payroll = new_payroll(actor_id, project_id, month, company_id, PayrollKind.SETTLEMENT.value, seq,
                          company_id != gc, settlement_user_id=user_id, due_date=due)
    return rebuild(actor_id, payroll)
