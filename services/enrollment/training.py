"""Safety training (三级安全教育): sessions recorded by the labour manager, hours summed per level."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from models import Membership, Role, Training, db
from services import audit
from services.authz import Action, authorize, memberships_in, scope
from services.days import business_day
from services.enrollment.rules import LEVEL_NAMES, TRAINING_LEVELS, rules_for
from services.errors import Forbidden, NotFound, Unprocessable


@dataclass(frozen=True)
class LevelHours:
    level: str
    required_hours: int
    done_minutes: int

    @property
    def met(self) -> bool:
        return self.done_minutes >= self.required_hours * 60


def _worker_membership(project_id: int, user_id: int) -> Membership:
    for m in memberships_in(user_id, project_id):
        if m.role == Role.WORKER.value:
            return m
    raise NotFound("MEMBER_NOT_FOUND", "该用户不是本项目工人")


def record_training(actor_id: int, project_id: int, user_id: int, *, level: str, hours: float,
                    trained_on: date, note: str | None) -> Training:
    authorize(actor_id, Action.TRAINING_MANAGE, project_id)
    _worker_membership(project_id, user_id)
    if level not in TRAINING_LEVELS:
        raise Unprocessable("TRAINING_LEVEL_INVALID", details={"level": level})
    if trained_on > business_day():
        raise Unprocessable("TRAINING_DATE_IN_FUTURE")
    row = Training(project_id=project_id, user_id=user_id, level=level, minutes=round(hours * 60),
                   trained_on=trained_on, note=note, recorded_by=actor_id)
    db.session.add(row)
    db.session.flush()
    audit.record("training.recorded", actor_user_id=actor_id, object_type="training", object_id=row.id,
                 details={"project_id": project_id, "user_id": user_id, "level": level, "minutes": row.minutes})
    return row


def trainings_of(actor_id: int, project_id: int, user_id: int) -> tuple[list[Training], list[LevelHours]]:
    reach = scope(actor_id, Action.TRAINING_VIEW, project_id)  # outsiders learn nothing (404)
    membership = _worker_membership(project_id, user_id)
    if not reach.allows(team_id=membership.team_id, subject_user_id=user_id):
        raise Forbidden()
    rows = list(db.session.execute(select(Training).where(
        Training.project_id == project_id, Training.user_id == user_id).order_by(Training.trained_on, Training.id)
    ).scalars())
    return rows, hours_by_level(project_id, user_id)


def hours_by_level(project_id: int, user_id: int) -> list[LevelHours]:
    done = dict(db.session.execute(select(Training.level, func.sum(Training.minutes)).where(
        Training.project_id == project_id, Training.user_id == user_id).group_by(Training.level)).all())
    required = rules_for(project_id).training_hours
    return [LevelHours(level, required[level], int(done.get(level) or 0)) for level in TRAINING_LEVELS]


def shortfall_message(levels: list[LevelHours]) -> str | None:
    """A Chinese sentence naming the levels not yet done, or None when every level is met."""
    short = [h for h in levels if not h.met]
    if not short:
        return None
    parts = [f"{LEVEL_NAMES[h.level]} {h.done_minutes / 60:g}/{h.required_hours} 学时" for h in short]
    return "三级安全教育学时未满：" + "，".join(parts)
