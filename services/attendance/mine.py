"""The worker's own month: one item per day so far, each saying why it counts or not."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from models import db
from models.attendance import AttendanceDay, Clock, DayCorrection, DayStatus, Dispute
from models.base import utcnow
from services.attendance.clocks import worker_membership
from services.attendance.confirmation import corrections_of
from services.attendance.days import days_between
from services.attendance.disputes import disputes_of
from services.attendance.locks import is_locked, month_bounds
from services.attendance.reasons import DAY_STATUS_TEXT, FLAGS, clock_reason
from services.attendance.rules import SHANGHAI, business_today, rules_for
from services.errors import ProjectNotFound


@dataclass
class MyDay:
    date: date
    status: str
    worked_minutes: int
    explanation: str
    row: AttendanceDay | None
    clocks: list[Clock] = field(default_factory=list)
    corrections: list[DayCorrection] = field(default_factory=list)
    disputes: list[Dispute] = field(default_factory=list)
    locked: bool = False


def _hm(minutes: int) -> str:
    return f"{minutes // 60}小时{minutes % 60}分钟"


def explain(row: AttendanceDay | None, clocks: list[Clock], corrections: list[DayCorrection]) -> str:
    """One Chinese sentence: what the clocks gave, what the leader changed, what was not counted."""
    parts = []
    if row is None or (row.first_in is None and row.last_out is None and not row.corrected):
        parts.append("没有有效的上班打卡，记为缺勤")
    else:
        if row.first_in:
            parts.append(f"上班 {row.first_in.astimezone(SHANGHAI):%H:%M}")
        if row.last_out:
            parts.append(f"下班 {row.last_out.astimezone(SHANGHAI):%H:%M}，工作{_hm(row.computed_worked_minutes)}")
        elif row.computed_status == DayStatus.MISSING_OUT.value:
            parts.append("缺少下班打卡，请联系班组长补录")
        parts.append(f"按打卡计为{DAY_STATUS_TEXT[row.computed_status]}")
    for c in corrections:
        parts.append(f"班组长更正为{DAY_STATUS_TEXT.get(c.to_status, c.to_status)}（原因：{c.reason}）")
    for c in clocks:
        if c.status in ("rejected", "retry"):
            parts.append(f"{c.taken_at.astimezone(SHANGHAI):%H:%M} 的打卡未计入：{clock_reason(c.reason_code)}")
    flags = sorted({f for c in clocks for f in (c.flags or [])} | set(row.flags if row else []))
    parts.extend(FLAGS.get(f, f) for f in flags)
    if row is not None:
        parts.append("已由班组长确认" if row.confirmed_at else "待班组长确认")
    return "；".join(parts)


def my_month(user_id: int, project_id: int, month: str) -> list[MyDay]:
    if worker_membership(user_id, project_id) is None:
        raise ProjectNotFound()
    first, after = month_bounds(month)
    last = min(after - timedelta(days=1), business_today(utcnow(), rules_for(project_id)))
    rows = {d.business_date: d for d in days_between(project_id, first, after, user_ids=[user_id])}
    fixes = corrections_of([d.id for d in rows.values()])
    clocks: dict[date, list[Clock]] = {}
    for c in db.session.execute(select(Clock).where(
            Clock.project_id == project_id, Clock.user_id == user_id, Clock.business_date >= first,
            Clock.business_date < after).order_by(Clock.taken_at)).scalars():
        clocks.setdefault(c.business_date, []).append(c)
    disputes: dict[date, list[Dispute]] = {}
    for d in disputes_of(project_id, user_id, first, after):
        disputes.setdefault(d.business_date, []).append(d)
    locked = is_locked(project_id, month)
    out, day = [], first
    while day <= last:
        row = rows.get(day)
        day_fixes = fixes.get(row.id, []) if row else []
        out.append(MyDay(day, row.status if row else DayStatus.ABSENT.value, row.worked_minutes if row else 0,
                         explain(row, clocks.get(day, []), day_fixes), row, clocks.get(day, []), day_fixes,
                         disputes.get(day, []), locked))
        day += timedelta(days=1)
    return out
