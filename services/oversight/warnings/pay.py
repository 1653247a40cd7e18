"""What oversight reads from payroll (issue 18): the two payroll warning rules, the payroll
figures on the dashboards and the wage sheet export. Deposits into the wage account are
recorded here (oversight_wage_deposits) from the bank statement."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from models import ContractTemplate, Team, db
from models.attendance import AttendanceDay
from models.oversight import WageDeposit
from models.payroll import PaymentStatus, Payroll, PayrollLine, PayrollStatus
from services.attendance.locks import month_bounds
from services.attendance.worth import worked_sql
from services.oversight.warnings.base import Batch, Hit

SETTLED = (PaymentStatus.PAID.value, PaymentStatus.NOTHING_DUE.value)
STATUS_TEXT = {"draft": "草稿", "submitted": "待审批", "rejected": "已退回", "approved": "已审批", None: "未编制"}


def _next_month(month: str) -> tuple[int, int]:
    y, m = int(month[:4]), int(month[5:7])
    return (y + 1, 1) if m == 12 else (y, m + 1)


def pay_day_of(month: str, day_of_month: int) -> date:
    """Wages for ``month`` are due on ``day_of_month`` of the next month."""
    y, m = _next_month(month)
    return date(y, m, min(day_of_month, 28))


def _pay_days(project_ids: list[int]) -> dict[int, int]:
    rows = dict(db.session.execute(select(ContractTemplate.project_id, ContractTemplate.pay_day).where(
        ContractTemplate.project_id.in_(project_ids))).all())
    return {p: int(rows.get(p) or 15) for p in project_ids}


def _months_back(today: date, n: int) -> list[str]:
    out, y, m = [], today.year, today.month
    for _ in range(n):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        out.append(f"{y:04d}-{m:02d}")
    return out


def unpaid_past_pay_day(batch: Batch) -> list[Hit]:
    """Confirmed days of a month whose pay day passed, without an approved payroll or with lines unpaid."""
    pay_days = _pay_days(batch.project_ids)
    due = {(p, month): pay_day_of(month, pay_days[p]) for p in batch.project_ids
           for month in _months_back(batch.today, 3)}
    due = {key: day for key, day in due.items()
           if batch.today > day + timedelta(days=int(batch.t(key[0], "unpaid_grace_days")))}
    if not due:
        return []
    payrolls = {(r.project_id, r.month): r for r in db.session.execute(select(Payroll).where(
        Payroll.project_id.in_(sorted({p for p, _m in due})), Payroll.month.in_(sorted({m for _p, m in due})))).scalars()}
    unpaid: dict[int, tuple[int, int]] = {}
    approved_ids = [r.id for r in payrolls.values() if r.status == PayrollStatus.APPROVED.value]
    if approved_ids:
        for pid, n, fen in db.session.execute(select(PayrollLine.payroll_id, func.count(), func.sum(PayrollLine.net_fen))
                                              .where(PayrollLine.payroll_id.in_(approved_ids),
                                                     PayrollLine.payment_status.not_in(SETTLED))
                                              .group_by(PayrollLine.payroll_id)).all():
            unpaid[pid] = (int(n), int(fen or 0))
    # a month approved and paid in full needs no counting: only the others' days are read
    settled = {key for key, r in payrolls.items() if r.status == PayrollStatus.APPROVED.value and r.id not in unpaid}
    open_months = sorted({key for key in due if key not in settled}, key=lambda key: key[1])
    if not open_months:
        return []
    first = month_bounds(open_months[0][1])[0]
    after = month_bounds(open_months[-1][1])[1]
    year, month = func.extract("year", AttendanceDay.business_date), func.extract("month", AttendanceDay.business_date)
    hits = []
    for p, y, m, days, people in db.session.execute(
            select(AttendanceDay.project_id, year, month, func.count(), func.count(func.distinct(AttendanceDay.user_id)))
            .where(AttendanceDay.project_id.in_(sorted({p for p, _m in open_months})), AttendanceDay.business_date >= first,
                   AttendanceDay.business_date < after, AttendanceDay.confirmed_at.is_not(None),
                   worked_sql())
            .group_by(AttendanceDay.project_id, year, month)).all():
        key = (p, f"{int(y):04d}-{int(m):02d}")
        if key not in due or key in settled:
            continue
        payroll = payrolls.get(key)
        if payroll is None or payroll.status != PayrollStatus.APPROVED.value:
            evidence = {"month": key[1], "pay_day": due[key].isoformat(), "days_worked": int(days),
                        "workers": int(people), "payroll_status": payroll.status if payroll else None}
        else:
            n, fen = unpaid[payroll.id]
            evidence = {"month": key[1], "pay_day": due[key].isoformat(), "payroll_id": payroll.id,
                        "unpaid_lines": n, "unpaid_fen": fen}
        hits.append(Hit(p, "UNPAID_PAST_PAY_DAY", f"month:{key[1]}", due[key] + timedelta(days=1), evidence))
    return hits


def _approved_totals(project_ids: list[int]) -> dict[int, tuple[int, str | None]]:
    rows = db.session.execute(select(Payroll.project_id, func.sum(Payroll.total_net_fen), func.min(Payroll.month))
                              .where(Payroll.project_id.in_(project_ids), Payroll.status == PayrollStatus.APPROVED.value)
                              .group_by(Payroll.project_id)).all()
    return {p: (int(total or 0), first) for p, total, first in rows}


def _deposits(project_ids: list[int]) -> dict[int, int]:
    return {p: int(t or 0) for p, t in db.session.execute(select(WageDeposit.project_id, func.sum(WageDeposit.amount_fen))
                                                          .where(WageDeposit.project_id.in_(project_ids))
                                                          .group_by(WageDeposit.project_id)).all()}


def payroll_above_deposits(batch: Batch) -> list[Hit]:
    totals, deposits = _approved_totals(batch.project_ids), _deposits(batch.project_ids)
    hits = []
    for p, (payroll_fen, first_month) in totals.items():
        deposited = deposits.get(p, 0)
        if payroll_fen > deposited * (1 + batch.t(p, "deposit_margin_pct") / 100):
            since = date(int(first_month[:4]), int(first_month[5:7]), 1) if first_month else batch.today
            hits.append(Hit(p, "PAYROLL_ABOVE_DEPOSITS", f"project:{p}", since, {
                "approved_payroll_fen": payroll_fen, "deposits_fen": deposited,
                "shortfall_fen": payroll_fen - deposited}))
    return hits


def payroll_status(project_ids: list[int], today: date) -> dict[int, dict[str, Any] | None]:
    """The latest payroll of each project: month, status, lines paid / unpaid."""
    out: dict[int, dict[str, Any] | None] = dict.fromkeys(project_ids)
    latest = db.session.execute(select(Payroll).where(Payroll.project_id.in_(project_ids))
                                .order_by(Payroll.project_id, Payroll.month.desc())).scalars()
    seen: dict[int, Payroll] = {}
    for r in latest:
        seen.setdefault(r.project_id, r)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if seen:
        for pid, status, n in db.session.execute(select(PayrollLine.payroll_id, PayrollLine.payment_status, func.count())
                                                 .where(PayrollLine.payroll_id.in_([r.id for r in seen.values()]))
                                                 .group_by(PayrollLine.payroll_id, PayrollLine.payment_status)).all():
            counts[pid][status] = int(n)
    pay_days = _pay_days(project_ids)
    for p, r in seen.items():
        c = counts[r.id]
        paid = sum(c.get(s, 0) for s in SETTLED)
        out[p] = {"month": r.month, "status": r.status, "status_text": f"{r.month} {STATUS_TEXT.get(r.status, r.status)}",
                  "lines": r.line_count, "paid_lines": paid, "unpaid_lines": sum(c.values()) - paid,
                  "total_net_fen": r.total_net_fen, "pay_day": pay_day_of(r.month, pay_days[p]).isoformat()}
    return out


def wage_records(project_id: int, today: date) -> dict[str, Any] | None:
    """For the supervisor's checklist: last month's payroll, approved and paid?"""
    month = _months_back(today, 1)[0]
    r = db.session.execute(select(Payroll).where(Payroll.project_id == project_id, Payroll.month == month)
                           ).scalar_one_or_none()
    if r is None:
        return {"month": month, "status": None, "text": f"{month} 未编制"}
    unpaid = db.session.execute(select(func.count()).select_from(PayrollLine).where(
        PayrollLine.payroll_id == r.id, PayrollLine.payment_status.not_in(SETTLED))).scalar_one()
    text = f"{month} {STATUS_TEXT.get(r.status, r.status)}" + (f"，{unpaid} 人未发" if unpaid else "")
    return {"month": month, "status": r.status, "unpaid_lines": int(unpaid), "text": text}


def wages_summary(project_ids: list[int], today: date) -> dict[str, Any] | None:
    """Owner / regulator view: share of approved lines paid by the pay day, deposits vs payroll."""
    if not project_ids:
        return None
    pay_days = _pay_days(project_ids)
    rows = db.session.execute(select(Payroll.project_id, Payroll.month, PayrollLine.payment_status, PayrollLine.paid_at)
                              .join(PayrollLine, PayrollLine.payroll_id == Payroll.id)
                              .where(Payroll.project_id.in_(project_ids), Payroll.status == PayrollStatus.APPROVED.value)
                              ).all()
    due = [r for r in rows if pay_day_of(r.month, pay_days[r.project_id]) < today]
    on_time = sum(1 for r in due if r.payment_status in SETTLED and (
        r.paid_at is None or r.paid_at.date() <= pay_day_of(r.month, pay_days[r.project_id])))
    payroll_fen = sum(t for t, _m in _approved_totals(project_ids).values())
    deposits_fen = sum(_deposits(project_ids).values())
    return {"lines_due": len(due), "paid_on_time": on_time,
            "on_time_rate": round(on_time / len(due), 3) if due else None,
            "on_time_text": f"{on_time / len(due) * 100:.0f}%" if due else "—",
            "approved_payroll_fen": payroll_fen, "deposits_fen": deposits_fen,
            "deposits_text": f"{deposits_fen / 100:,.0f} / {payroll_fen / 100:,.0f} 元"}


WAGE_HEADER = ("工资月份", "姓名", "班组", "出勤（半天数）", "应发（元）", "扣款（元）", "实发（元）", "发放状态", "发放时间")
PAYMENT_TEXT = {"unpaid": "未发", "issued": "已提交银行", "paid": "已发放", "failed": "银行退回", "nothing_due": "无应发"}


def wage_sheet(project_id: int, date_from: date, date_to: date,
               team_ids: frozenset[int] | None) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """Approved payroll lines of the months the range touches."""
    first, last = date_from.strftime("%Y-%m"), date_to.strftime("%Y-%m")
    query = (select(Payroll.month, PayrollLine, Team.name).join(PayrollLine, PayrollLine.payroll_id == Payroll.id)
             .outerjoin(Team, Team.id == PayrollLine.team_id)
             .where(Payroll.project_id == project_id, Payroll.status == PayrollStatus.APPROVED.value,
                    Payroll.month >= first, Payroll.month <= last)
             .order_by(Payroll.month, PayrollLine.team_id, PayrollLine.id))
    if team_ids is not None:
        query = query.where(PayrollLine.team_id.in_(team_ids or [0]))
    rows = [(month, line.name_masked, team or "", line.half_days / 2, f"{line.gross_fen / 100:.2f}",
             f"{line.deductions_fen / 100:.2f}", f"{line.net_fen / 100:.2f}",
             PAYMENT_TEXT.get(line.payment_status, line.payment_status),
             line.paid_at.strftime("%Y-%m-%d") if line.paid_at else "") for month, line, team in db.session.execute(query)]
    return WAGE_HEADER, rows


RULES = [unpaid_past_pay_day, payroll_above_deposits]
