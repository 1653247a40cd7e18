"""Safety training (三级安全教育): sessions recorded by the labour manager, hours summed per level, and
the one definition of "training complete" the entry gate, the warning rules and the dashboards read.

《建设工程安全生产管理条例》第三十七条: "作业人员进入新的岗位或者新的施工现场前，应当接受安全生产教育培训。
未经教育培训或者教育培训考核不合格的人员，不得上岗作业。" Training is complete on a day when, for every
level of the 三级安全教育 (公司级、项目级、班组级), the minutes recorded on this project up to that day reach
the hours the project's enrollment rules require (services/enrollment/rules.py; its defaults when the
project set none). The national texts name no binding hour figures any more (建教〔1997〕83号, which did,
was repealed in 2017): the hours are the project's, the rule is the same everywhere.

The Python form (``LevelHours.met``, ``training_complete``) and the SQL form (``training_complete_sql``)
are built from the same comparison (``_met``) on the same sums (``trained_minutes_sql``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, literal, select
from sqlalchemy.orm import aliased

from models import EnrollmentRules, Membership, Role, Training, db
from services import audit
from services.authz import Action, authorize, memberships_in, scope
from services.days import business_day
from services.enrollment.rules import DEFAULTS, HOURS_COLUMNS, LEVEL_NAMES, TRAINING_LEVELS
from services.errors import Forbidden, NotFound, Unprocessable

MINUTES_PER_HOUR = 60


def _met(done_minutes: Any, required_hours: Any) -> Any:
    """The one comparison, for Python numbers or SQL expressions alike."""
    return done_minutes >= required_hours * MINUTES_PER_HOUR


@dataclass(frozen=True)
class LevelHours:
    level: str
    required_hours: int
    done_minutes: int

    @property
    def met(self) -> bool:
        return bool(_met(self.done_minutes, self.required_hours))


def level_hours(required_hours: dict[str, int], done_minutes: dict[str, int]) -> list[LevelHours]:
    return [LevelHours(level, int(required_hours[level]), int(done_minutes.get(level) or 0))
            for level in TRAINING_LEVELS]


def training_complete(levels: list[LevelHours]) -> bool:
    return all(h.met for h in levels)


def levels_short(levels: list[LevelHours]) -> list[str]:
    return [h.level for h in levels if not h.met]


def required_hours_sql(level: str, project_id: Any) -> Any:
    """The project's required hours for a level (its rules row, else the default), as SQL."""
    rules = aliased(EnrollmentRules)
    row = select(getattr(rules, HOURS_COLUMNS[level])).where(rules.project_id == project_id).scalar_subquery()
    return func.coalesce(row, literal(DEFAULTS.training_hours[level]))


def trained_minutes_sql(level: str, project_id: Any, user_id: Any, on_day: Any = None) -> Any:
    """Minutes of ``level`` recorded for this worker on this project (up to ``on_day`` when given), as SQL."""
    t = aliased(Training)
    where = [t.project_id == project_id, t.user_id == user_id, t.level == level]
    if on_day is not None:
        where.append(t.trained_on <= on_day)
    return select(func.coalesce(func.sum(t.minutes), 0)).where(*where).scalar_subquery()


def training_complete_sql(project_id: Any, user_id: Any, on_day: Any = None) -> Any:
    """The same rule as one SQL boolean (columns or values)."""
    return and_(*(_met(trained_minutes_sql(level, project_id, user_id, on_day), required_hours_sql(level, project_id))
                  for level in TRAINING_LEVELS))


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
    row = db.session.execute(select(
        *(required_hours_sql(level, project_id) for level in TRAINING_LEVELS),
        *(trained_minutes_sql(level, project_id, user_id) for level in TRAINING_LEVELS))).one()
    n = len(TRAINING_LEVELS)
    return level_hours(dict(zip(TRAINING_LEVELS, row[:n], strict=True)),
                       dict(zip(TRAINING_LEVELS, row[n:], strict=True)))


def shortfall_message(levels: list[LevelHours]) -> str | None:
    """A Chinese sentence naming the levels not yet done, or None when every level is met."""
    short = [h for h in levels if not h.met]
    if not short:  # the same as training_complete(levels)
        return None
    parts = [f"{LEVEL_NAMES[h.level]} {h.done_minutes / 60:g}/{h.required_hours} 学时" for h in short]
    return "三级安全教育学时未满：" + "，".join(parts)
