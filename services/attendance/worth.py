"""What a day is worth: the one definition payroll, dashboards, the attendance export and the
warning rules read (they used to restate it as numbers or SQL of their own).

A confirmed ``present`` day is two half-day units, ``half`` one; ``absent`` and ``missing_out``
(no clock-out: the leader corrects it before it is paid) are worth nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case

from models.attendance import AttendanceDay, DayStatus

HALF_DAYS: dict[str, int] = {DayStatus.PRESENT.value: 2, DayStatus.HALF.value: 1, DayStatus.ABSENT.value: 0,
                             DayStatus.MISSING_OUT.value: 0}
# the statuses of a day worked (on site, paid)
WORKED: tuple[str, ...] = tuple(s for s, units in HALF_DAYS.items() if units)


def half_days(status: str) -> int:
    return HALF_DAYS.get(status, 0)


def days_worth(status: str) -> float:
    """In days, as sheets and dashboards show it: 1, 0.5 or 0."""
    return half_days(status) / 2


def half_days_sql(status: Any = AttendanceDay.status) -> Any:
    """The same as SQL, for sums in one statement."""
    return case(*((status == s, units) for s, units in HALF_DAYS.items() if units), else_=0)


def worked_sql(status: Any = AttendanceDay.status) -> Any:
    return status.in_(WORKED)
