"""The statutory retirement age, month by month, at the boundary months of the official tables
(《国务院关于渐进式提高法定退休年龄的办法》附件 1–3)."""

from __future__ import annotations

from datetime import date

import pytest

from services.contracts.retirement import past_retirement_age, retirement_age_months, retirement_date


def ym(years: int, months: int = 0) -> int:
    return years * 12 + months


@pytest.mark.parametrize(("born", "sex", "age"), [
    # men, originally 60: one month more per 4 birth months from 1965-01, 63 from 1976-09
    ((1964, 12), "male", ym(60)),
    ((1965, 1), "male", ym(60, 1)),
    ((1965, 4), "male", ym(60, 1)),
    ((1965, 5), "male", ym(60, 2)),
    ((1966, 6), "male", ym(60, 5)),
    ((1970, 12), "male", ym(61, 6)),
    ((1976, 8), "male", ym(62, 11)),
    ((1976, 9), "male", ym(63)),
    ((1990, 1), "male", ym(63)),
    # women workers, originally 50: one month more per 2 birth months from 1975-01, 55 from 1984-11
    ((1974, 12), "female", ym(50)),
    ((1975, 1), "female", ym(50, 1)),
    ((1975, 2), "female", ym(50, 1)),
    ((1975, 3), "female", ym(50, 2)),
    ((1984, 10), "female", ym(54, 11)),
    ((1984, 11), "female", ym(55)),
])
def test_official_table(born, sex, age):
    assert retirement_age_months(date(*born, 15), sex) == age


@pytest.mark.parametrize(("born", "age"), [((1969, 12), ym(55)), ((1970, 1), ym(55, 1)), ((1970, 5), ym(55, 2)),
                                           ((1981, 8), ym(57, 11)), ((1981, 9), ym(58))])
def test_women_originally_55(born, age):
    assert retirement_age_months(date(*born, 1), "female", female_original_age=55) == age


def test_the_day_is_reached_on_the_birthday_of_the_retirement_month():
    born = date(1966, 6, 6)  # 60 years 5 months
    assert retirement_date(born, "male") == date(2026, 11, 6)
    assert not past_retirement_age(born, "male", date(2026, 11, 5))
    assert past_retirement_age(born, "male", date(2026, 11, 6))
    assert retirement_date(date(1965, 8, 31), "male") == date(2025, 10, 31)
    assert retirement_date(date(1964, 12, 31), "male") == date(2024, 12, 31)  # before the reform: 60
