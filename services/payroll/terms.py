"""Which wage terms pay a day: the contract's, or a signed 变更协议's from its ``effective_from`` on.

《劳动合同法》第三十五条: "用人单位与劳动者协商一致，可以变更劳动合同约定的内容。变更劳动合同，应当采用书面形式。"
A 变更协议 both parties signed (services/contracts/amendments.py) changes the wage from the day it names;
the days before it are paid as agreed before. Payroll used to pay every day at the contract's own rate,
so a signed raise never reached the wage sheet.

A month without a change inside it is paid at one rate, from the month's totals as before. A month with
a change after its first day is split: its confirmed days (and piece quantities) are read day by day and
each part is paid at the rate in force on its days; each part is rounded on its own (to the fen, as
services/payroll/rules.py rounds every amount).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, select

from models import db
from models.attendance import AttendanceDay
from models.payroll import PieceWork
from services.attendance import worth
from services.attendance.locks import month_bounds
from services.contracts.in_force import signed_wage_changes
from services.payroll import rules


@dataclass(frozen=True)
class Rate:
    wage_type: str
    rate_fen: int


@dataclass(frozen=True)
class Change:
    effective_from: date
    rate: Rate


@dataclass(frozen=True)
class MonthPay:
    base_fen: int
    overtime_fen: int
    rate: Rate  # in force at the month's end: what the line shows


def changes_of(contract_ids: list[int]) -> dict[int, list[Change]]:
    """The signed 变更协议 of each contract, in the order they take effect (the contracts area reads them)."""
    return {cid: [Change(day, Rate(wage_type, fen)) for day, wage_type, fen in rows]
            for cid, rows in signed_wage_changes(contract_ids).items()}


def rate_on(contract: Any, changes: list[Change], day: date) -> Rate:
    """The rate in force on ``day``: the last change effective by then, else the contract's."""
    rate = Rate(contract.wage_type, contract.wage_amount_fen)
    for change in changes:
        if change.effective_from <= day:
            rate = change.rate
    return rate


def month_pay(project_id: int, user_id: int, contract: Any, changes: list[Change], month: str,
              work: rules.Work, rule: rules.OvertimeRule) -> MonthPay:
    """Base and overtime pay of ``work`` (the month's confirmed totals) under the terms in force."""
    first, after = month_bounds(month)
    last = date.fromordinal(after.toordinal() - 1)
    end_rate = rate_on(contract, changes, last)
    if not any(first < c.effective_from <= last for c in changes):
        rate = rate_on(contract, changes, first)
        return MonthPay(rules.base_pay(rate.wage_type, rate.rate_fen, work),
                        rules.overtime_pay(rate.wage_type, rate.rate_fen, work.overtime_minutes, rule), end_rate)
    parts: dict[Rate, list[int]] = {}  # rate -> [half days, overtime minutes, piece milli]
    for day, units, extra in _days(project_id, user_id, first, after, rule):
        part = parts.setdefault(rate_on(contract, changes, day), [0, 0, 0])
        part[0], part[1] = part[0] + units, part[1] + extra
    for day, qty in _pieces(project_id, user_id, first, after):
        parts.setdefault(rate_on(contract, changes, day), [0, 0, 0])[2] += qty
    base = overtime = 0
    for rate, (units, extra, qty) in parts.items():
        base += rules.base_pay(rate.wage_type, rate.rate_fen, rules.Work(units, qty, extra))
        overtime += rules.overtime_pay(rate.wage_type, rate.rate_fen, extra, rule)
    return MonthPay(base, overtime, end_rate)


def overtime_minutes_sql(rule: rules.OvertimeRule) -> Any:
    """A day's minutes beyond the project's overtime threshold (SQL; payroll build sums it per month)."""
    return case((AttendanceDay.worked_minutes > rule.after_minutes,
                 AttendanceDay.worked_minutes - rule.after_minutes), else_=0)


def _days(project_id: int, user_id: int, first: date, after: date, rule: rules.OvertimeRule) -> list[Any]:
    """Confirmed days, each with its half-day units (attendance's one rule) and overtime minutes."""
    return list(db.session.execute(select(AttendanceDay.business_date, worth.half_days_sql(),
                                          overtime_minutes_sql(rule)).where(
        AttendanceDay.project_id == project_id, AttendanceDay.user_id == user_id,
        AttendanceDay.business_date >= first, AttendanceDay.business_date < after,
        AttendanceDay.confirmed_at.is_not(None))))


def _pieces(project_id: int, user_id: int, first: date, after: date) -> list[Any]:
    return list(db.session.execute(select(PieceWork.work_date, PieceWork.quantity_milli).where(and_(
        PieceWork.project_id == project_id, PieceWork.user_id == user_id, PieceWork.work_date >= first,
        PieceWork.work_date < after, PieceWork.confirmed_at.is_not(None)))))


def line_pay(project_id: int, user_id: int, contract: Any, changes: list[Change], work: dict[str, rules.Work],
             rule: rules.OvertimeRule) -> MonthPay:
    """A line's base and overtime: each month it pays (its own and carried ones) under that month's terms;
    the rate shown is the one in force at the end of the newest month."""
    base = overtime = 0
    rate = Rate(contract.wage_type, contract.wage_amount_fen)
    for month in sorted(work):
        pay = month_pay(project_id, user_id, contract, changes, month, work[month], rule)
        base, overtime, rate = base + pay.base_fen, overtime + pay.overtime_fen, pay.rate
    return MonthPay(base, overtime, rate)
