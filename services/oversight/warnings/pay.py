"""What oversight reads from payroll (issue 18): the two payroll warning rules and the
payroll figures on the dashboards. Until the payroll models land they report nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.oversight.warnings.base import Batch, Hit


def unpaid_past_pay_day(batch: Batch) -> list[Hit]:
    return []


def payroll_above_deposits(batch: Batch) -> list[Hit]:
    return []


def payroll_status(project_ids: list[int], today: date) -> dict[int, dict[str, Any] | None]:
    return dict.fromkeys(project_ids)


def wage_records(project_id: int, today: date) -> dict[str, Any] | None:
    return None


def wages_summary(project_ids: list[int], today: date) -> dict[str, Any] | None:
    return None





WAGE_HEADER = ("工资月份", "姓名", "班组", "出勤天数", "应发（元）", "实发（元）", "发放日期", "状态")


def wage_sheet(project_id: int, date_from: date, date_to: date,
               team_ids: frozenset[int] | None) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """The wage lines paid or due in the range (header only until the payroll models land)."""
    return WAGE_HEADER, []
RULES = [unpaid_past_pay_day, payroll_above_deposits]
