"""A project's enrollment rules: required training hours per level, age limits flagged for review."""

from __future__ import annotations

from dataclasses import dataclass

from models import EnrollmentRules, db
from models.base import utcnow
from services import audit
from services.authz import Action, authorize, scope

TRAINING_LEVELS = ("company", "project", "team")  # 三级安全教育: 公司级、项目级、班组级
LEVEL_NAMES = {"company": "公司级", "project": "项目级", "team": "班组级"}


@dataclass(frozen=True)
class Rules:
    training_hours: dict[str, int]
    max_age_male: int
    max_age_female: int


DEFAULTS = Rules({"company": 15, "project": 15, "team": 20}, max_age_male=60, max_age_female=50)
# the enrollment_rules column holding each level's required hours
HOURS_COLUMNS = {level: f"{level}_training_hours" for level in TRAINING_LEVELS}


def training_hours_of(row: EnrollmentRules | None) -> dict[str, int]:
    """A project's required hours per level: its rules row, else the defaults."""
    if row is None:
        return dict(DEFAULTS.training_hours)
    return {level: getattr(row, column) for level, column in HOURS_COLUMNS.items()}


def rules_for(project_id: int) -> Rules:
    row = db.session.get(EnrollmentRules, project_id)
    if row is None:
        return DEFAULTS
    return Rules(training_hours_of(row), row.max_age_male, row.max_age_female)


def get_rules(actor_id: int, project_id: int) -> Rules:
    scope(actor_id, Action.TRAINING_VIEW, project_id)  # every member may see what is required
    return rules_for(project_id)


def update_rules(actor_id: int, project_id: int, *, training_hours: dict[str, int], max_age_male: int,
                 max_age_female: int) -> Rules:
    authorize(actor_id, Action.TRAINING_MANAGE, project_id)
    row = db.session.get(EnrollmentRules, project_id)
    if row is None:
        row = EnrollmentRules(project_id=project_id)
        db.session.add(row)
    for level, column in HOURS_COLUMNS.items():
        setattr(row, column, training_hours[level])
    row.max_age_male, row.max_age_female = max_age_male, max_age_female
    row.updated_by, row.updated_at = actor_id, utcnow()
    db.session.flush()
    audit.record("enrollment.rules_updated", actor_user_id=actor_id, object_type="project",
                 object_id=project_id, details={"training_hours": training_hours, "max_age_male": max_age_male,
                                                "max_age_female": max_age_female})
    return rules_for(project_id)
