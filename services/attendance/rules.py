"""A project's attendance rules and its business day (Asia/Shanghai, shifted for night shifts)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from models import db
from models.attendance import AttendanceRules

SHANGHAI = ZoneInfo("Asia/Shanghai")
FACE_CHECK_WINDOW = timedelta(minutes=10)  # the selfie may be taken this long before taken_at
MAX_FUTURE_SKEW = timedelta(minutes=5)  # a phone clock ahead of ours by more is refused
LATE_AFTER = timedelta(minutes=10)  # received this long after taken_at: an offline clock


@dataclass(frozen=True)
class Rules:
    day_starts_minute: int = 0
    full_day_minutes: int = 480
    half_day_minutes: int = 240
    late_upload_hours: int = 24
    merge_window_minutes: int = 5


RULE_COLUMNS = (AttendanceRules.day_starts_minute, AttendanceRules.full_day_minutes,
                AttendanceRules.half_day_minutes, AttendanceRules.late_upload_hours,
                AttendanceRules.merge_window_minutes)


def rules_for(project_id: int) -> Rules:
    return rules_from(db.session.get(AttendanceRules, project_id))


def rules_from(row: Any) -> Rules:
    """From the rules row, or any row carrying RULE_COLUMNS (None in them: the project has no rules row)."""
    if row is None or row.day_starts_minute is None:
        return Rules()
    return Rules(row.day_starts_minute, row.full_day_minutes, row.half_day_minutes, row.late_upload_hours,
                 row.merge_window_minutes)


def set_rules(project_id: int, actor_user_id: int | None, **values: int) -> AttendanceRules:
    row = db.session.get(AttendanceRules, project_id)
    if row is None:
        row = AttendanceRules(project_id=project_id, **asdict(Rules()))
        db.session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_by = actor_user_id
    db.session.flush()
    return row


def business_date(at: datetime, rules: Rules) -> date:
    """The Asia/Shanghai date, counted from the project's day start (a 02:00 clock of a night shift
    that started at 20:00 belongs to the day before when the day starts at 04:00)."""
    return (at.astimezone(SHANGHAI) - timedelta(minutes=rules.day_starts_minute)).date()


def business_today(now: datetime, rules: Rules) -> date:
    return business_date(now, rules)


def day_window(day: date, rules: Rules) -> tuple[datetime, datetime]:
    """The UTC instants a business day covers."""
    start = datetime.combine(day, datetime.min.time(), SHANGHAI) + timedelta(minutes=rules.day_starts_minute)
    return start, start + timedelta(days=1)
