"""What oversight reads from payroll (issue 18): the two payroll warning rules, the payroll
figures on the dashboards and the wage sheet export. Deposits into the wage account are
recorded here (oversight_wage_deposits) from the bank statement."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from models import Team, db
from models.attendance import AttendanceDay
from models.oversight import WageDeposit
from models.payroll import PaymentStatus, Payroll, PayrollKind, PayrollLine, PayrollStatus, SlipStatus
from services.attendance.locks import month_bounds
from services.oversight.warnings.base import Batch, Hit
from services.payroll.payday import pay_date, project_pay_days

# a held line is paid by the month's supplementary payroll, whose own line is counted there
SETTLED = (PaymentStatus.PAID.value, PaymentStatus.NOTHING_DUE.value, PaymentStatus.HELD.value)
STATUS_TEXT = {"draft": "草稿", "submitted": "待审核/审批", "reviewed": "已审核", "rejected": "已退回", "approved": "已审批",
               None: "未编制"}


def pay_day_of(month: str, day_of_month: int) -> date:
    """Wages for ``month`` are due on ``day_of_month`` of the next month, moved to the nearest working
    day before a rest day or holiday (services/payroll/payday.py, the same date payroll shows)."""
    return pay_date(month, day_of_month)


def _pay_days(project_ids: list[int]) -> dict[int, int]:
    return project_pay_days(project_ids)


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
    # a month has a payroll per employer (and supplementary / settlement ones): settled when all are
    payrolls: dict[tuple[int, str], list[Payroll]] = defaultdict(list)
    for r in db.session.execute(select(Payroll).where(
            Payroll.project_id.in_(sorted({p for p, _m in due})), Payroll.month.in_(sorted({m for _p, m in due})))
            .order_by(Payroll.id)).scalars():
        payrolls[(r.project_id, r.month)].append(r)
    unpaid: dict[int, tuple[int, int]] = {}
    approved_ids = [r.id for rs in payrolls.values() for r in rs if r.status == PayrollStatus.APPROVED.value]
    if approved_ids:
        for pid, n, fen in db.session.execute(select(PayrollLine.payroll_id, func.count(), func.sum(PayrollLine.net_fen))
                                              .where(PayrollLine.payroll_id.in_(approved_ids),
                                                     PayrollLine.payment_status.not_in(SETTLED))
                                              .group_by(PayrollLine.payroll_id)).all():
            unpaid[pid] = (int(n), int(fen or 0))
    # a month approved and paid in full needs no counting: only the others' days are read
    settled = {key for key, rs in payrolls.items()
               if all(r.status == PayrollStatus.APPROVED.value and r.id not in unpaid for r in rs)}
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
                   AttendanceDay.status.in_(("present", "half")))
            .group_by(AttendanceDay.project_id, year, month)).all():
        key = (p, f"{int(y):04d}-{int(m):02d}")
        if key not in due or key in settled:
            continue
        pending = [r for r in payrolls.get(key, []) if r.status != PayrollStatus.APPROVED.value]
        if not payrolls.get(key) or pending:
            evidence = {"month": key[1], "pay_day": due[key].isoformat(), "days_worked": int(days),
                        "workers": int(people), "payroll_status": pending[0].status if pending else None}
        else:
            payroll = next(r for r in payrolls[key] if r.id in unpaid)
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
    """For the supervisor's checklist: last month's payrolls (one per employer, and supplementary or
    settlement ones), all approved and paid? The status shown is the least advanced one's."""
    month = _months_back(today, 1)[0]
    rows = db.session.execute(select(Payroll).where(Payroll.project_id == project_id, Payroll.month == month)
                              .order_by(Payroll.id)).scalars().all()
    if not rows:
        return {"month": month, "status": None, "text": f"{month} 未编制"}
    r = next((p for p in rows if p.status != PayrollStatus.APPROVED.value), rows[0])
    unpaid = db.session.execute(select(func.count()).select_from(PayrollLine).where(
        PayrollLine.payroll_id.in_([p.id for p in rows]), PayrollLine.payment_status.not_in(SETTLED))).scalar_one()
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
PAYMENT_TEXT = {"unpaid": "未发", "issued": "已提交银行", "paid": "已发放", "failed": "银行退回", "nothing_due": "无应发",
                "held": "暂缓（补发）"}


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


def settlement_overdue(batch: Batch) -> list[Hit]:
    """A leaving worker's settlement payroll not approved and paid by its due date (退场结算逾期)."""
    rows = db.session.execute(select(Payroll).where(
        Payroll.project_id.in_(batch.project_ids), Payroll.kind == PayrollKind.SETTLEMENT.value,
        Payroll.due_date < batch.today, Payroll.status != PayrollStatus.REJECTED.value)).scalars().all()
    if not rows:
        return []
    unpaid = dict(db.session.execute(select(PayrollLine.payroll_id, func.count()).where(
        PayrollLine.payroll_id.in_([r.id for r in rows]), PayrollLine.payment_status.not_in(SETTLED))
        .group_by(PayrollLine.payroll_id)).all())
    return [Hit(r.project_id, "SETTLEMENT_OVERDUE", f"payroll:{r.id}", r.due_date + timedelta(days=1), {
        "payroll_id": r.id, "user_id": r.settlement_user_id, "due_date": r.due_date.isoformat(),
        "payroll_status": r.status, "unpaid_lines": int(unpaid.get(r.id, 0))})
        for r in rows if r.line_count and (r.status != PayrollStatus.APPROVED.value or unpaid.get(r.id))]


def slips_released(batch: Batch) -> list[Hit]:
    """Lines paid without the worker's confirmation (released after the window): the supervisor looks at them."""
    since = batch.today - timedelta(days=60)
    rows = db.session.execute(select(Payroll.project_id, PayrollLine.id, PayrollLine.user_id, PayrollLine.resolution,
                                     PayrollLine.resolved_at, Payroll.id, Payroll.month)
                              .join(Payroll, Payroll.id == PayrollLine.payroll_id).where(
        Payroll.project_id.in_(batch.project_ids), PayrollLine.slip_status == SlipStatus.RELEASED.value,
        PayrollLine.resolved_at >= datetime.combine(since, time(), tzinfo=UTC))).all()
    return [Hit(p, "SLIP_RELEASED", f"line:{lid}", at.date(), {
        "payroll_id": pid, "month": month, "line_id": lid, "user_id": uid, "reason": reason})
        for p, lid, uid, reason, at, pid, month in rows]


RULES = [unpaid_past_pay_day, payroll_above_deposits, settlement_overdue, slips_released]
