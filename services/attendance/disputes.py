"""A worker disputes a day; the leader or the labour manager answers. Open disputes block payroll."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import db
from models.attendance import Dispute, DisputeStatus
from models.base import utcnow
from services import audit
from services.attendance.locks import month_bounds
from services.attendance.rules import business_today, rules_for
from services.authz import Action, authorize, refuse_own
from services.errors import Conflict, NotFound, ProjectNotFound, Unprocessable


def open_dispute(user_id: int, project_id: int, day: date, reason: str) -> Dispute:
    from services.attendance.clocks import worker_membership

    membership = worker_membership(user_id, project_id)
    if membership is None:
        raise ProjectNotFound()
    if day > business_today(utcnow(), rules_for(project_id)):
        raise Unprocessable("DAY_IN_FUTURE", "不能对尚未到来的日期提出异议")
    already = db.session.execute(select(Dispute.id).where(
        Dispute.project_id == project_id, Dispute.user_id == user_id, Dispute.business_date == day,
        Dispute.status == DisputeStatus.OPEN.value)).first()
    if already is not None:
        raise Conflict("DISPUTE_ALREADY_OPEN", "这一天已有待处理的异议", {"dispute_id": already[0]})
    dispute = Dispute(project_id=project_id, user_id=user_id, team_id=membership.team_id, business_date=day,
                      reason=reason, status=DisputeStatus.OPEN.value, created_at=utcnow())
    db.session.add(dispute)
    db.session.flush()
    audit.record("attendance.dispute_opened", actor_user_id=user_id, object_type="attendance_dispute",
                 object_id=dispute.id, details={"date": day.isoformat(), "project_id": project_id})
    return dispute


def resolve_dispute(actor_id: int, dispute_id: int, resolution: str) -> Dispute:
    dispute = db.session.get(Dispute, dispute_id)
    if dispute is None:
        raise NotFound("DISPUTE_NOT_FOUND", "异议不存在")
    authorize(actor_id, Action.ATTENDANCE_CONFIRM, dispute.project_id, team_id=dispute.team_id or -1)
    refuse_own(actor_id, dispute.user_id, "ATTENDANCE_SELF_CONFIRM", dispute_id=dispute.id)
    if dispute.status != DisputeStatus.OPEN.value:
        raise Conflict("DISPUTE_ALREADY_RESOLVED", "该异议已处理")
    dispute.status, dispute.resolution = DisputeStatus.RESOLVED.value, resolution
    dispute.resolved_by, dispute.resolved_at = actor_id, utcnow()
    db.session.flush()
    audit.record("attendance.dispute_resolved", actor_user_id=actor_id, object_type="attendance_dispute",
                 object_id=dispute.id, details={"resolution": resolution})
    return dispute


def disputes_of(project_id: int, user_id: int, first: date, after: date) -> list[Dispute]:
    return list(db.session.execute(select(Dispute).where(
        Dispute.project_id == project_id, Dispute.user_id == user_id, Dispute.business_date >= first,
        Dispute.business_date < after).order_by(Dispute.id)).scalars())


def open_disputes(project_id: int, month: str) -> list[Dispute]:
    """For payroll's blockers: the month's disputes nobody has answered yet."""
    first, after = month_bounds(month)
    return list(db.session.execute(select(Dispute).where(
        Dispute.project_id == project_id, Dispute.status == DisputeStatus.OPEN.value,
        Dispute.business_date >= first, Dispute.business_date < after).order_by(Dispute.id)).scalars())
