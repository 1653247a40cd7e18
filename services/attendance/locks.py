"""Month locks: payroll approval freezes that month's attendance days.

Payroll (issue 18) calls ``lock_month(project_id, "YYYY-MM")`` in the transaction that approves
the payroll, and may ask ``is_locked(project_id, day_or_month)``. Attendance refuses every
change to a locked day (confirmation, correction, recomputation from a late clock) with
409 ``ATTENDANCE_LOCKED``. The lock row is the whole lock: the days themselves are not stamped
(stamping every day of a month was most of a large payroll's approval, bench/README.md "Payroll").

The lock check and the approval must not race (MariaDB, READ COMMITTED): a late clock's
recompute and every other change to a day take a SHARED lock on the project row before they check
(``hold_month_open``), approval takes it EXCLUSIVE before it compares fingerprints
(``lock_for_approval``). Changes of one project run side by side; an approval waits for the ones
in flight and then sees them (its fingerprint check refuses a stale payroll), and changes that come
after it wait and then see the month locked. SQLite serializes writers anyway.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import Project, db
from models.attendance import AttendanceMonthLock
from models.base import utcnow
from services import audit
from services.errors import Conflict


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_bounds(month: str) -> tuple[date, date]:
    """First day and the first day of the next month, for ``YYYY-MM``."""
    year, mon = (int(part) for part in month.split("-"))
    first = date(year, mon, 1)
    return first, date(year + (mon == 12), mon % 12 + 1, 1)


def is_locked(project_id: int, when: date | str) -> bool:
    month = when if isinstance(when, str) else month_of(when)
    return db.session.execute(select(AttendanceMonthLock.id).where(
        AttendanceMonthLock.project_id == project_id, AttendanceMonthLock.month == month)).first() is not None


def lock_month(project_id: int, month: str, *, actor_user_id: int | None = None,
               reference: str | None = None) -> AttendanceMonthLock:
    """Lock a month (idempotent: locking twice returns the first lock)."""
    existing = db.session.execute(select(AttendanceMonthLock).where(
        AttendanceMonthLock.project_id == project_id, AttendanceMonthLock.month == month)).scalar_one_or_none()
    if existing is not None:
        return existing
    now = utcnow()
    lock = AttendanceMonthLock(project_id=project_id, month=month, locked_by=actor_user_id, reference=reference,
                               locked_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(lock)
            db.session.flush()
    except IntegrityError:
        return db.session.execute(select(AttendanceMonthLock).where(
            AttendanceMonthLock.project_id == project_id, AttendanceMonthLock.month == month)).scalar_one()
    audit.record("attendance.month_locked", actor_user_id=actor_user_id, object_type="project",
                 object_id=project_id, details={"month": month, "reference": reference})
    return lock


def hold_month_open(project_id: int, day: date) -> bool:
    """Take the project row's shared lock (held to the commit), then say whether the day's month is
    still open. Every writer of a day calls this (or refuse_if_locked) before writing."""
    db.session.execute(select(Project.id).where(Project.id == project_id).with_for_update(read=True))
    return not is_locked(project_id, day)


def lock_for_approval(project_id: int) -> None:
    """The project row's exclusive lock: in-flight day changes finish first, later ones wait."""
    db.session.execute(select(Project.id).where(Project.id == project_id).with_for_update())


def refuse_if_locked(project_id: int, day: date) -> None:
    if not hold_month_open(project_id, day):
        raise Conflict("ATTENDANCE_LOCKED", "该月工资已审批，考勤已锁定，不能再修改",
                       {"month": month_of(day)})
