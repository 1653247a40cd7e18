"""The team's monthly attendance sheet (考勤表) as xlsx: one row per worker, one column per day."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import timedelta

from openpyxl import Workbook

from models import Team
from models.attendance import DayStatus
from services import audit
from services.attendance.confirmation import team_for
from services.attendance.days import days_between
from services.attendance.locks import month_bounds
from services.attendance.people import masked_names, team_workers
from services.attendance.worth import days_worth
from services.authz import Action
from services.exports_safety import safe_row

MARK = {"present": "√", "half": "半", "absent": "×", "missing_out": "缺"}
CHUNK = 64 * 1024


def team_month_sheet(actor_id: int, team_id: int, month: str) -> tuple[Team, Iterator[bytes]]:
    """Check the caller now; the workbook is written (write-only, row by row) to a temp file and streamed."""
    team = team_for(actor_id, team_id, Action.ATTENDANCE_CONFIRM)
    first, after = month_bounds(month)
    dates = [first + timedelta(days=i) for i in range((after - first).days)]
    user_ids = [m.user_id for m in team_workers(team.id)]
    names = masked_names(user_ids)
    by_user: dict[int, dict] = {uid: {} for uid in user_ids}
    for d in days_between(team.project_id, first, after, user_ids=user_ids or [-1]):
        by_user.setdefault(d.user_id, {})[d.business_date] = d
    audit.record("attendance.sheet_exported", actor_user_id=actor_id, object_type="team", object_id=team.id,
                 details={"month": month, "workers": len(user_ids)})

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(f"{month} 考勤表")
    ws.append(safe_row([f"{team.name} {month} 考勤表（√ 出勤  半 半天  × 缺勤  缺 缺下班卡；* 未确认）"]))
    ws.append(safe_row(["工人编号", "姓名", *[f"{d.day}日" for d in dates], "出勤天数", "半天", "缺勤", "工时（小时）", "已确认天数"]))
    for uid in user_ids:
        days = by_user.get(uid, {})
        marks = []
        for d in dates:
            row = days.get(d)
            marks.append("" if row is None else MARK.get(row.status, row.status) + ("" if row.confirmed_at else "*"))
        values = list(days.values())
        half = sum(v.status == DayStatus.HALF.value for v in values)
        worked = sum(days_worth(v.status) for v in values)
        absent = sum(v.status in ("absent", "missing_out") for v in values)
        hours = round(sum(v.worked_minutes for v in values) / 60, 1)
        confirmed = sum(v.confirmed_at is not None for v in values)
        ws.append(safe_row([uid, names.get(uid, ""), *marks, worked, half, absent, hours, confirmed]))
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    wb.save(path)

    def stream() -> Iterator[bytes]:
        try:
            with open(path, "rb") as fh:
                while chunk := fh.read(CHUNK):
                    yield chunk
        finally:
            os.unlink(path)

    return team, stream()
