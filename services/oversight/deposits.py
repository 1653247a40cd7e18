"""Deposits into a project's wage account (工资专用账户), entered from the bank statement; the
owner's dashboard and the PAYROLL_ABOVE_DEPOSITS warning compare them with approved payrolls."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import db
from models.oversight import WageDeposit
from services import audit
from services.authz import Action, authorize
from services.days import business_day
from services.errors import Conflict, Unprocessable
from services.pagination import Page, Paged, paged_rows


def record_deposit(actor_id: int, project_id: int, *, amount_fen: int, deposited_on: date,
                   reference: str) -> WageDeposit:
    authorize(actor_id, Action.DEPOSIT_RECORD, project_id)
    if deposited_on > business_day():
        raise Unprocessable("DEPOSIT_DATE_IN_FUTURE")
    if db.session.execute(select(WageDeposit.id).where(WageDeposit.project_id == project_id,
                                                       WageDeposit.reference == reference)).first():
        raise Conflict("DEPOSIT_EXISTS", details={"reference": reference})
    row = WageDeposit(project_id=project_id, amount_fen=amount_fen, deposited_on=deposited_on, reference=reference,
                      recorded_by=actor_id)
    db.session.add(row)
    db.session.flush()
    audit.record("oversight.deposit_recorded", actor_user_id=actor_id, object_type="project", object_id=project_id,
                 details={"amount_fen": amount_fen, "reference": reference})
    return row


def project_deposits(actor_id: int, project_id: int, page: Page = Page()) -> Paged[WageDeposit]:
    authorize(actor_id, Action.OVERSIGHT_VIEW, project_id)
    paged = paged_rows(select(WageDeposit).where(WageDeposit.project_id == project_id), WageDeposit.id, page)
    return Paged([row[0] for row in paged.items], paged.next_after)
