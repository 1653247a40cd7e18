"""The pay day (《保障农民工工资支付条例》第十二至十四条; 《工资支付暂行规定》第七条;
texts as found in stored public copies — the official text is the State Council's 国务院令第724号):

第十二条：农民工工资应当以货币形式，通过银行转账或者现金支付给农民工本人，不得以实物或者有价证券等其他形式替代。
第十三条：实行月、周、日、小时工资制的，按照月、周、日、小时为周期支付工资；实行计件工资制的，工资支付周期由双方
依法约定。
第十四条：用人单位与农民工书面约定或者依法制定的规章制度规定的具体支付日期，可以在农民工提供劳动的当期或者
次期。具体支付日期遇法定节假日或者休息日的，应当在法定节假日或者休息日前支付。用人单位因不可抗力未能在支付日期
支付工资的，应当在不可抗力消除后及时支付。

《工资支付暂行规定》第七条：工资必须在用人单位与劳动者约定的日期支付。如遇节假日或休息日，则应提前在最近的工作日
支付。

So the pay day is the day of the next month the contract names (``contracts.pay_day``; without a
signed contract the project's contract template, then the project's ``payroll_rules.pay_day``, then 15);
when it falls on a rest day or a statutory holiday it moves to the nearest working day *before* it,
with China's adjusted working days (调休) from the maintained ``holidays`` package
(``holidays.country_holidays("CN").is_working_day``), never a hand-written list. The warning
"unpaid past pay day" uses the same date.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays
from sqlalchemy import func, select

from models import db
from models.contracts import Contract, ContractTemplate
from models.payroll import PayrollRules
from services.contracts.in_force import (  # both parties signed (《劳动合同法》第十六条)
    BOTH_SIGNED,
    effective_pay_day_sql,
)

DEFAULT_PAY_DAY = 15


@lru_cache(maxsize=16)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("CN", years=[year - 1, year, year + 1])


def is_working_day(day: date) -> bool:
    """A working day in mainland China: not a weekend unless it is an adjusted working day, not a holiday."""
    return bool(_calendar(day.year).is_working_day(day))


def moved_before(day: date) -> date:
    """The nearest working day on or before ``day`` (§7: 提前在最近的工作日支付)."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def pay_date(month: str, day_of_month: int) -> date:
    """The date wages for ``month`` are due: ``day_of_month`` of the next month (the month's last day at
    most), moved before a rest day or holiday."""
    y, m = int(month[:4]), int(month[5:7])
    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return moved_before(date(y, m, min(day_of_month, calendar.monthrange(y, m)[1])))


def project_pay_days(project_ids: list[int]) -> dict[int, int]:
    """Each project's pay day of the month: the earliest its workers' signed contracts name (a signed 变更协议's
    where one changed it), else its
    contract template's, else the project's payroll rule, else the 15th."""
    if not project_ids:
        return {}
    rules = dict(db.session.execute(select(PayrollRules.project_id, PayrollRules.pay_day).where(
        PayrollRules.project_id.in_(project_ids), PayrollRules.pay_day.is_not(None))).all())
    contracts = dict(db.session.execute(select(Contract.project_id, func.min(effective_pay_day_sql())).where(
        Contract.project_id.in_(project_ids), Contract.status.in_(BOTH_SIGNED)).group_by(Contract.project_id)).all())
    templates = dict(db.session.execute(select(ContractTemplate.project_id, ContractTemplate.pay_day).where(
        ContractTemplate.project_id.in_(project_ids))).all())
    return {p: int(contracts.get(p) or templates.get(p) or rules.get(p) or DEFAULT_PAY_DAY) for p in project_ids}


def project_pay_date(project_id: int, month: str) -> date:
    return pay_date(month, project_pay_days([project_id])[project_id])
