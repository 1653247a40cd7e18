"""What payroll is built from besides attendance: deductions, piece-work quantities, the overtime rule."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import Team, db
from models.base import utcnow
from models.payroll import PayrollRules, PieceWork
from services import audit
from services.attendance.clocks import worker_membership
from services.attendance.locks import month_of, refuse_if_locked
from services.authz import Action, authorize
from services.days import business_day
from services.errors import Conflict, NotFound, Unprocessable
from services.pagination import Page, Paged, paged_rows
from services.payroll.build import payroll_rules

RULE_FIELDS = ("overtime_after_minutes", "overtime_percent", "slip_confirm_days", "settlement_days",
               "minimum_wage_fen", "pay_day")


def set_rules(actor_id: int, project_id: int, **fields: int | None) -> PayrollRules:
    """The project's payroll rules; a field left out (None) keeps its value (``pay_day`` None: the contract's)."""
    authorize(actor_id, Action.PAYROLL_PREPARE, project_id)
    row = db.session.get(PayrollRules, project_id)
    if row is None:
        row = payroll_rules(project_id)
        db.session.add(row)
    changed = {k: v for k, v in fields.items() if k in RULE_FIELDS and (v is not None or k == "pay_day")}
    for key, value in changed.items():
        setattr(row, key, value)
    row.updated_by, row.updated_at = actor_id, utcnow()
    db.session.flush()
    audit.record("payroll.rules_updated", actor_user_id=actor_id, object_type="project", object_id=project_id,
                 details=changed)
    return row


def get_rules(actor_id: int, project_id: int) -> PayrollRules:
    authorize(actor_id, Action.PAYROLL_STATUS, project_id)
    return payroll_rules(project_id)


def enter_piece_work(actor_id: int, team_id: int, *, user_id: int, work_date: date, item: str,
                     quantity_milli: int) -> PieceWork:
    team = db.session.get(Team, team_id)
    if team is None:
        raise NotFound("TEAM_NOT_FOUND", "班组不存在")
    authorize(actor_id, Action.PIECE_WORK_ENTER, team.project_id, team_id=team.id)
    membership = worker_membership(user_id, team.project_id)
    if membership is None or membership.team_id != team.id:
        raise Unprocessable("NOT_TEAM_MEMBER", "所列工人不是本班组成员", {"user_ids": [user_id]})
    if work_date > business_day():
        raise Unprocessable("DAY_IN_FUTURE", "不能录入尚未到来的日期")
    refuse_if_locked(team.project_id, work_date)
    row = PieceWork(project_id=team.project_id, team_id=team.id, user_id=user_id, work_date=work_date, item=item,
                    quantity_milli=quantity_milli, entered_by=actor_id, created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    audit.record("payroll.piece_work_entered", actor_user_id=actor_id, object_type="piece_work", object_id=row.id,
                 details={"user_id": user_id, "date": work_date.isoformat(), "item": item,
                          "quantity_milli": quantity_milli})
    return row


def confirm_piece_work(actor_id: int, piece_id: int) -> PieceWork:
    """The worker agrees with the quantity the leader entered (only then does it pay)."""
    row = db.session.get(PieceWork, piece_id)
    if row is None or row.user_id != actor_id:
        raise NotFound("PIECE_WORK_NOT_FOUND", "计件记录不存在")
    if row.confirmed_at is not None:
        raise Conflict("PIECE_WORK_ALREADY_CONFIRMED", "该计件记录已确认")
    refuse_if_locked(row.project_id, row.work_date)
    row.confirmed_at = utcnow()
    db.session.flush()
    audit.record("payroll.piece_work_confirmed", actor_user_id=actor_id, object_type="piece_work", object_id=row.id,
                 details={"quantity_milli": row.quantity_milli, "month": month_of(row.work_date)})
    return row


def my_piece_work(actor_id: int, project_id: int, month: str, page: Page = Page()) -> Paged[PieceWork]:
    from services.attendance.locks import month_bounds

    first, after = month_bounds(month)
    paged = paged_rows(select(PieceWork).where(
        PieceWork.user_id == actor_id, PieceWork.project_id == project_id, PieceWork.work_date >= first,
        PieceWork.work_date < after), PieceWork.id, page)
    return Paged([row[0] for row in paged.items], paged.next_after)
