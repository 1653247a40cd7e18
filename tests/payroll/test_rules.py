"""The wage arithmetic without HTTP: the rounding rule and its edges."""

from __future__ import annotations

import pytest

from services.payroll import rules
from services.payroll.rules import Deduction, OvertimeRule, Work, round_half_up


@pytest.mark.parametrize(("num", "den", "expected"), [
    (5, 10, 1), (4, 10, 0), (15, 10, 2), (25, 10, 3), (-5, 10, -1), (-4, 10, 0), (0, 7, 0), (86999, 87, 1000),
])
def test_round_half_up(num, den, expected) -> None:
    assert round_half_up(num, den) == expected


def test_half_days_and_odd_rates_round_once() -> None:
    assert rules.base_pay("day", 33333, Work(half_days=1)) == 16667  # 166.665 → 166.67
    assert rules.base_pay("day", 33333, Work(half_days=3)) == 50000  # 499.995 → 500.00, not 166.67 × 3
    assert rules.base_pay("piece", 1, Work(piece_milli=500)) == 1  # half a fen rounds up
    assert rules.base_pay("piece", 1, Work(piece_milli=499)) == 0


def test_monthly_wage_is_capped_and_overtime_uses_the_exact_day_rate() -> None:
    assert rules.base_pay("month", 600000, Work(half_days=44)) == 600000  # 22 days > 21.75: the full month
    assert rules.base_pay("month", 600000, Work(half_days=43)) == 593103  # 6000 × 21.5 / 21.75 = 5931.034...
    # 6000 / 21.75 / 8 × 1.5 per hour, for 90 minutes: 77.586... → 77.59
    assert rules.overtime_pay("month", 600000, 90, OvertimeRule()) == 7759
    assert rules.overtime_pay("piece", 600000, 90, OvertimeRule()) == 0


def test_deductions_never_take_net_below_zero() -> None:
    wage = rules.wage("day", 10000, Work(half_days=2), OvertimeRule(),
                      [Deduction("advance", "借支", 6000), Deduction("other", "罚款", 6000), Deduction("other", "x", 1)])
    assert (wage.gross_fen, wage.deductions_fen, wage.net_fen) == (10000, 10000, 0)
    assert [d["applied_fen"] for d in wage.deductions] == [6000, 4000, 0]
