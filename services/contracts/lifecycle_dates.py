"""Calendar arithmetic shared by the contract modules."""

from __future__ import annotations

from datetime import date


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):  # 31 Jan + 1 month is the last day of February
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")
