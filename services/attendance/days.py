"""Clocks into business days: first in, last out, worked minutes, status. The day is what the
leader confirms and payroll pays (models/attendance.py says which fields payroll reads)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import db
from models.attendance import COUNTED_CLOCK_STATUSES, AttendanceDay, Clock, DayStatus, Direction
from models.base import utcnow
from services import audit
from services.attendance.locks import hold_month_open
from services.attendance.rules import Rules, rules_for


@dataclass
class Aggregate:
    status: str
    worked_minutes: int = 0
    first_in: datetime | None = None
    last_out: datetime | None = None
    flags: list[str] = field(default_factory=list)


def aggregate(clocks: list[Clock], rules: Rules) -> Aggregate:
    """Pairs each in with the next out; repeated ins keep the first, outs without an in are ignored
    (flagged MISSING_IN when there is no in at all). A day with an open in and no pair is missing_out."""
    ordered = sorted(clocks, key=lambda c: c.taken_at)
    flags = sorted({f for c in ordered for f in (c.flags or [])})
    ins = [c.taken_at for c in ordered if c.direction == Direction.IN.value]
    outs = [c.taken_at for c in ordered if c.direction == Direction.OUT.value]
    if not ins:
        return Aggregate(DayStatus.ABSENT.value, flags=sorted({*flags, "MISSING_IN"}) if outs else flags)
    worked_seconds, open_in = 0.0, None
    for c in ordered:
        if c.direction == Direction.IN.value:
            open_in = open_in or c.taken_at
        elif open_in is not None:
            worked_seconds += (c.taken_at - open_in).total_seconds()
            open_in = None
    minutes = int(worked_seconds // 60)
    last_out = max((t for t in outs if t > ins[0]), default=None)
    if last_out is None:
        return Aggregate(DayStatus.MISSING_OUT.value, 0, ins[0], None, flags)
    if minutes >= rules.full_day_minutes:
        status = DayStatus.PRESENT.value
    elif minutes >= rules.half_day_minutes:
        status = DayStatus.HALF.value
    else:
        status = DayStatus.ABSENT.value
    return Aggregate(status, minutes, ins[0], last_out, flags)


def counted_clocks(project_id: int, user_id: int, day: date) -> list[Clock]:
    return list(db.session.execute(select(Clock).where(
        Clock.project_id == project_id, Clock.user_id == user_id, Clock.business_date == day,
        Clock.status.in_(COUNTED_CLOCK_STATUSES)).order_by(Clock.taken_at, Clock.id)).scalars())


def day_row(project_id: int, user_id: int, day: date, team_id: int | None, *, lock: bool = True
            ) -> AttendanceDay:
    """The day's row, created absent if missing; locked FOR UPDATE so concurrent recomputes queue."""
    query = select(AttendanceDay).where(AttendanceDay.project_id == project_id, AttendanceDay.user_id == user_id,
                                        AttendanceDay.business_date == day)
    row = db.session.execute(query.with_for_update() if lock else query).scalar_one_or_none()
    if row is not None:
        return row
    row = AttendanceDay(project_id=project_id, user_id=user_id, team_id=team_id, business_date=day,
                        status=DayStatus.ABSENT.value, computed_status=DayStatus.ABSENT.value, worked_minutes=0,
                        computed_worked_minutes=0, flags=[], updated_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:  # another transaction created it first
        return db.session.execute(query.with_for_update()).scalar_one()
    return row


def recompute_day(project_id: int, user_id: int, day: date, team_id: int | None = None) -> AttendanceDay | None:
    """Recompute from the counted clocks. None when the month is locked (nothing changes)."""
    if not hold_month_open(project_id, day):  # the shared lock approval's exclusive one waits for
        return None
    row = day_row(project_id, user_id, day, team_id)
    result = aggregate(counted_clocks(project_id, user_id, day), rules_for(project_id))
    changed = (row.computed_status, row.computed_worked_minutes) != (result.status, result.worked_minutes)
    row.first_in, row.last_out, row.flags = result.first_in, result.last_out, result.flags
    row.computed_status, row.computed_worked_minutes = result.status, result.worked_minutes
    row.team_id = row.team_id or team_id
    if not row.corrected:
        row.status, row.worked_minutes = result.status, result.worked_minutes
    if changed and row.confirmed_at is not None and not row.corrected:
        # a clock arrived after the leader confirmed: the day needs confirming again
        audit.record("attendance.day_unconfirmed", actor_user_id=None, object_type="attendance_day",
                     object_id=row.id, details={"status": result.status, "worked_minutes": result.worked_minutes})
        row.confirmed_at, row.confirmed_by = None, None
    row.updated_at = utcnow()
    db.session.flush()
    return row


def clock_counted(clock: Clock) -> None:
    """A clock was accepted / flagged: its day changes, unless the month is locked."""
    if recompute_day(clock.project_id, clock.user_id, clock.business_date, clock.team_id) is None:
        clock.flags = [*(clock.flags or []), "MONTH_LOCKED"]
        db.session.flush()


def days_between(project_id: int, first: date, after: date, *, user_ids: list[int] | None = None,
                 team_id: int | None = None) -> list[AttendanceDay]:
    query = select(AttendanceDay).where(AttendanceDay.project_id == project_id,
                                        AttendanceDay.business_date >= first, AttendanceDay.business_date < after)
    if user_ids is not None:
        query = query.where(AttendanceDay.user_id.in_(user_ids))
    if team_id is not None:
        query = query.where(AttendanceDay.team_id == team_id)
    return list(db.session.execute(query.order_by(AttendanceDay.business_date, AttendanceDay.user_id)).scalars())
