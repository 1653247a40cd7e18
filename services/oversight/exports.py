"""Exports as Excel for any date range a role may see: 花名册, attendance, wage sheets.

Personal numbers appear masked only; a team leader's export holds their own team(s).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select

from models import Contract, Membership, Role, Team, WorkerProfile, db
from models.attendance import AttendanceDay
from services import audit
from services.attendance.reasons import DAY_STATUS_TEXT
from services.authz import Action, Scope, scope
from services.days import SITE_TZ
from services.errors import Forbidden, Unprocessable
from services.exports_safety import safe_row
from services.oversight.warnings import pay

MAX_DAYS = 366
MEMBERSHIP_STATUS = {"pending": "待审核", "active": "在场", "rejected": "未通过", "left": "已退场"}
CONTRACT_STATUS = {"unsigned": "未签署", "signing": "签署中", "worker_signed": "待用人单位签署",
                   "employer_signed": "待工人签署", "signed": "已签署", "terminated": "已解除"}


def _check_range(date_from: date, date_to: date) -> None:
    if date_to < date_from or (date_to - date_from).days >= MAX_DAYS:
        raise Unprocessable("DATE_RANGE_INVALID", details={"max_days": MAX_DAYS})


def _reach(actor_id: int, project_id: int) -> Scope:
    return scope(actor_id, Action.OVERSIGHT_EXPORT, project_id)


def _team_filter(column, reach: Scope):
    return True if reach.whole_project else column.in_(reach.team_ids or [0])


def _workbook(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    ws.append(safe_row(header))
    for row in rows:
        ws.append(safe_row(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _local(at) -> str:
    return at.astimezone(SITE_TZ).strftime("%H:%M") if at else ""


def roster(actor_id: int, project_id: int, date_from: date, date_to: date) -> bytes:
    _check_range(date_from, date_to)
    reach = _reach(actor_id, project_id)
    rows = db.session.execute(
        select(Membership, WorkerProfile, Team)
        .outerjoin(WorkerProfile, WorkerProfile.user_id == Membership.user_id)
        .outerjoin(Team, Team.id == Membership.team_id)
        .where(Membership.project_id == project_id, Membership.role == Role.WORKER.value,
               _team_filter(Membership.team_id, reach)).order_by(Membership.id)).all()
    contracts = {c.user_id: c for c in db.session.execute(select(Contract).where(
        Contract.project_id == project_id).order_by(Contract.id)).scalars()}
    out = []
    for i, (m, p, team) in enumerate(r for r in rows if r[0].created_at.astimezone(SITE_TZ).date() <= date_to):
        c = contracts.get(m.user_id)
        out.append((i + 1, p.name_masked if p else "", p.id_number_masked if p else "",
                    {"male": "男", "female": "女"}.get(p.sex, "") if p else "", p.birth_year if p else "",
                    p.trade if p else "", team.name if team else "", p.phone_masked or "" if p else "",
                    p.bank_card_last4 or "" if p else "", CONTRACT_STATUS.get(c.status, "") if c else "未签署",
                    m.created_at.astimezone(SITE_TZ).date().isoformat(), MEMBERSHIP_STATUS.get(m.status, m.status)))
    audit.record("oversight.export", actor_user_id=actor_id, object_type="project", object_id=project_id,
                 details={"sheet": "roster", "from": date_from.isoformat(), "to": date_to.isoformat(), "rows": len(out)})
    return _workbook("花名册", ("序号", "姓名", "身份证号", "性别", "出生年份", "工种", "班组", "手机号", "银行卡尾号",
                               "劳动合同", "进场日期", "状态"), out)


def attendance(actor_id: int, project_id: int, date_from: date, date_to: date) -> bytes:
    _check_range(date_from, date_to)
    reach = _reach(actor_id, project_id)
    rows = db.session.execute(
        select(AttendanceDay, WorkerProfile.name_masked, Team.name)
        .outerjoin(WorkerProfile, WorkerProfile.user_id == AttendanceDay.user_id)
        .outerjoin(Team, Team.id == AttendanceDay.team_id)
        .where(AttendanceDay.project_id == project_id, AttendanceDay.business_date >= date_from,
               AttendanceDay.business_date <= date_to, _team_filter(AttendanceDay.team_id, reach))
        .order_by(AttendanceDay.business_date, AttendanceDay.team_id, AttendanceDay.user_id)).all()
    out = [(d.business_date.isoformat(), name or "", team or "", DAY_STATUS_TEXT.get(d.status, d.status),
            round(d.worked_minutes / 60, 2), _local(d.first_in), _local(d.last_out),
            "是" if d.confirmed_at else "否", "是" if d.corrected else "否") for d, name, team in rows]
    audit.record("oversight.export", actor_user_id=actor_id, object_type="project", object_id=project_id,
                 details={"sheet": "attendance", "from": date_from.isoformat(), "to": date_to.isoformat(),
                          "rows": len(out)})
    return _workbook("考勤表", ("日期", "姓名", "班组", "出勤", "工时", "上班", "下班", "已确认", "已更正"), out)


def wages(actor_id: int, project_id: int, date_from: date, date_to: date) -> bytes:
    _check_range(date_from, date_to)
    reach = scope(actor_id, Action.PAYROLL_LINES, project_id)  # names with amounts: payroll's own rule
    if not reach.whole_project:
        raise Forbidden()
    header, rows = pay.wage_sheet(project_id, date_from, date_to, None if reach.whole_project else reach.team_ids)
    audit.record("oversight.export", actor_user_id=actor_id, object_type="project", object_id=project_id,
                 details={"sheet": "wages", "from": date_from.isoformat(), "to": date_to.isoformat(), "rows": len(rows)})
    return _workbook("工资表", header, rows)
