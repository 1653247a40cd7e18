"""The statutory retirement age (法定退休年龄) on the official schedule, month by month.

《全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定》(2024-09-13) and its
《国务院关于渐进式延迟法定退休年龄的办法》, 第二条:
  "从2025年1月1日起，男职工和原法定退休年龄为五十五周岁的女职工，法定退休年龄每四个月延迟一个月，
   分别逐步延迟至六十三周岁和五十八周岁；原法定退休年龄为五十周岁的女职工，法定退休年龄每二个月
   延迟一个月，逐步延迟至五十五周岁。"
The attached tables (附件 1–3) follow from that rule by month of birth:
  男 (60):          born 1965-01…1965-04 → 60y1m, every 4 birth months one month more; 1976-09 and later → 63.
  女 (55, 干部):    born 1970-01…1970-04 → 55y1m, …; 1981-09 and later → 58.
  女 (50, 工人):    born 1975-01…1975-02 → 50y1m, every 2 birth months one month more; 1984-11 and later → 55.
Those born earlier keep the original age. A construction worker is a 工人: women use the
50-year table unless the caller says otherwise (a 55-year original age applies to 干部).

Why it matters here: past that age no labour relation can be formed (《劳动合同法》第四十四条（二）,
《劳动合同法实施条例》第二十一条), so the worker gets a 用工书面协议 (建市〔2022〕59号 第八条).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.contracts.lifecycle_dates import add_months


@dataclass(frozen=True)
class Schedule:
    original_years: int
    first_birth_month: tuple[int, int]  # (year, month) of the first cohort that retires later
    birth_months_per_step: int  # 4: one month later for every 4 months of birth; 2 for women at 50
    max_delay_months: int


MALE = Schedule(60, (1965, 1), 4, 36)
FEMALE_CADRE = Schedule(55, (1970, 1), 4, 36)
FEMALE_WORKER = Schedule(50, (1975, 1), 2, 60)


def schedule_for(sex: str, *, female_original_age: int = 50) -> Schedule:
    if sex == "male":
        return MALE
    return FEMALE_CADRE if female_original_age == 55 else FEMALE_WORKER


def delay_months(birth: date, schedule: Schedule) -> int:
    """Months added to the original age for someone born in ``birth``'s month."""
    year, month = schedule.first_birth_month
    since = (birth.year - year) * 12 + (birth.month - month)
    if since < 0:
        return 0
    return min(since // schedule.birth_months_per_step + 1, schedule.max_delay_months)


def retirement_age_months(birth: date, sex: str, *, female_original_age: int = 50) -> int:
    schedule = schedule_for(sex, female_original_age=female_original_age)
    return schedule.original_years * 12 + delay_months(birth, schedule)


def retirement_date(birth: date, sex: str, *, female_original_age: int = 50) -> date:
    """The day the statutory retirement age is reached (the birthday's day in the retirement month)."""
    return add_months(birth, retirement_age_months(birth, sex, female_original_age=female_original_age))


def past_retirement_age(birth: date, sex: str, on: date, *, female_original_age: int = 50) -> bool:
    return on >= retirement_date(birth, sex, female_original_age=female_original_age)
