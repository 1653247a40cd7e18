"""Wage arithmetic, pure and in integer fen (no database, no floats).

The rounding rule (one for every amount): each amount is computed as one exact fraction of
integers and rounded once, to the nearest fen, halves away from zero (四舍五入到分) —
``round_half_up(numerator, denominator)``. Nothing is rounded twice: overtime is not built
from a rounded hourly rate, a monthly wage is not built from a rounded day rate.

- Day wage (``day``): rate × confirmed days; a half day (``half``) pays half the rate.
  Days are counted in half-day units, so 21.5 days = 43 units and pay = rate × units / 2.
- Piece work (``piece``): rate per unit × confirmed quantity; quantities are kept × 1000.
- Monthly wage (``month``): pro-rated over 21.75 paid days a month (月计薪天数, 人社部发〔2008〕3号):
  rate × units / 43.5, never more than the monthly rate.
- Overtime, per the project rule: minutes worked beyond ``overtime_after_minutes`` on a day
  pay ``overtime_percent`` of the hourly rate, the hourly rate being the day rate / 8 hours
  (monthly: the monthly rate / 21.75 / 8). Piece work has no overtime (the piece pays it).
- Deductions (《工资支付暂行规定》§15–16, services/payroll/deductions.py) apply in the order given
  and never take net below zero: a deduction larger than what is left applies only in part, and
  the line says how much. ``damages`` (赔偿经济损失) together take at most 20 % of the month's
  wage (rounded down to the fen) and never leave less than the minimum wage for the days worked:
  the project's monthly minimum × days / 21.75 (the same 月计薪天数), never more than the monthly
  minimum. Deductions entered over the limit are refused (422); the cap here is the second guard
  for inputs that moved afterwards (fewer confirmed days).
"""

from __future__ import annotations

from dataclasses import dataclass, field

DAY, PIECE, MONTH = "day", "piece", "month"
PAID_DAYS_X4 = 87  # 21.75 days a month, in quarter days
MINUTES_PER_DAY_RATE = 8 * 60  # the hourly rate is the day rate over 8 hours


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator to the nearest integer, halves away from zero (exact, integers only)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    sign = -1 if numerator < 0 else 1
    q, r = divmod(abs(numerator), denominator)
    return sign * (q + (1 if 2 * r >= denominator else 0))


@dataclass(frozen=True)
class OvertimeRule:
    after_minutes: int = 480
    percent: int = 150


@dataclass(frozen=True)
class Work:
    """What a worker did in the month, as payroll counts it (confirmed only)."""

    half_days: int = 0
    piece_milli: int = 0
    overtime_minutes: int = 0


@dataclass(frozen=True)
class Deduction:
    kind: str
    reason: str
    amount_fen: int
    basis: str | None = None


@dataclass
class Wage:
    base_fen: int
    overtime_fen: int
    gross_fen: int
    deductions: list[dict] = field(default_factory=list)
    deductions_fen: int = 0
    net_fen: int = 0


def base_pay(wage_type: str, rate_fen: int, work: Work) -> int:
    if wage_type == DAY:
        return round_half_up(rate_fen * work.half_days, 2)
    if wage_type == PIECE:
        return round_half_up(rate_fen * work.piece_milli, 1000)
    if wage_type == MONTH:
        # units / 2 days of 21.75: rate × half_days × 2 / 87
        return min(rate_fen, round_half_up(rate_fen * work.half_days * 2, PAID_DAYS_X4))
    raise ValueError(f"unknown wage type {wage_type!r}")


def overtime_pay(wage_type: str, rate_fen: int, overtime_minutes: int, rule: OvertimeRule) -> int:
    if overtime_minutes <= 0 or wage_type == PIECE:
        return 0
    if wage_type == DAY:
        return round_half_up(rate_fen * overtime_minutes * rule.percent, MINUTES_PER_DAY_RATE * 100)
    # monthly: the day rate is rate × 4 / 87
    return round_half_up(rate_fen * 4 * overtime_minutes * rule.percent, PAID_DAYS_X4 * MINUTES_PER_DAY_RATE * 100)


DAMAGES = "damages"
DAMAGES_PERCENT = 20


def minimum_for(minimum_wage_fen: int, half_days: int) -> int:
    """The minimum wage for the days worked: the monthly minimum × days / 21.75, at most the monthly minimum."""
    return min(minimum_wage_fen, round_half_up(minimum_wage_fen * half_days * 2, PAID_DAYS_X4))


def damages_room(gross_fen: int, other_fen: int, damages_fen: int, minimum_fen: int) -> int:
    """How much more may be deducted as damages this month (§16): 20 % of the wage in all, and the
    worker keeps at least ``minimum_fen`` after every deduction."""
    by_share = gross_fen * DAMAGES_PERCENT // 100 - damages_fen
    by_minimum = gross_fen - other_fen - damages_fen - minimum_fen
    return max(0, min(by_share, by_minimum))


def apply_deductions(gross_fen: int, deductions: list[Deduction], minimum_fen: int = 0) -> tuple[list[dict], int]:
    """Each deduction with the part of it applied; net never below zero, damages within §16."""
    left, out = gross_fen, []
    other = sum(d.amount_fen for d in deductions if d.kind != DAMAGES)
    damages = 0
    for d in deductions:
        cap = left
        if d.kind == DAMAGES:
            cap = min(cap, damages_room(gross_fen, other, damages, minimum_fen))
        applied = max(0, min(d.amount_fen, cap))
        left -= applied
        if d.kind == DAMAGES:
            damages += applied
        out.append({"kind": d.kind, "reason": d.reason, "amount_fen": d.amount_fen, "applied_fen": applied,
                    "basis": d.basis})
    return out, gross_fen - left


def wage(wage_type: str, rate_fen: int, work: Work, rule: OvertimeRule, deductions: list[Deduction],
         minimum_fen: int = 0) -> Wage:
    return settle(base_pay(wage_type, rate_fen, work), overtime_pay(wage_type, rate_fen, work.overtime_minutes, rule),
                  deductions, minimum_fen)


def settle(base: int, overtime: int, deductions: list[Deduction], minimum_fen: int = 0) -> Wage:
    """The month's pay from its base and overtime (however many rates made them), after deductions."""
    gross = base + overtime
    applied, total = apply_deductions(gross, deductions, minimum_fen)
    return Wage(base, overtime, gross, applied, total, gross - total)
