"""The wage ledger (工资支付台账, 《保障农民工工资支付条例》第十五、二十八条):

第十五条：用人单位应当按照工资支付周期编制书面工资支付台账，并至少保存3年。书面工资支付台账应当包括用人单位名称，
支付周期，支付日期，支付对象姓名、身份证号码、联系方式，工作时间，应发工资项目及数额，代扣、代缴、扣除项目和数额，
实发工资数额，银行代发工资凭证或者农民工签字等内容。

第二十八条（节选）：施工总承包单位应当……审核分包单位编制的农民工考勤表、工资支付表等工资发放资料。

One row per worker and month of every approved payroll in the range: the employer, name, ID number,
phone, days and hours, each wage item, the deductions, net, paid date, bank reference and the
slip's confirmation (or the release reason). It is the one export with full ID numbers and phones:
one audited clear read per file. Every text cell is neutralised against spreadsheet formulas.
Payroll records are never deleted (no delete path exists); Art. 15's three years run from the
project's completion and the settlement of its wages.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import and_, func, select

from models import User, db
from models.attendance import AttendanceDay
from models.enrollment import WorkerProfile
from models.payroll import Payroll, PayrollLine, PayrollStatus
from services import audit, pii
from services.attendance.locks import month_bounds
from services.auth import phone_context
from services.authz import Action, authorize
from services.payroll.bank import profile_context, spool
from services.payroll.employers import company_name
from services.payroll.notify import yuan
from services.payroll.sheets import local

HEADER = ["工资月份", "类别", "用人单位", "姓名", "身份证号码", "联系电话", "出勤天数", "工作小时", "加班小时", "计薪方式",
          "基本工资（元）", "加班工资（元）", "应发工资（元）", "扣款明细", "扣款合计（元）", "实发工资（元）", "支付日期",
          "银行代发编号", "工人签字确认"]
KIND_TEXT = {"monthly": "月度", "supplementary": "补发", "settlement": "退场结算"}
WAGE_TYPE = {"day": "计日", "piece": "计件", "month": "计月"}
DEDUCTION_TEXT = {"social_insurance": "社保个人部分", "income_tax": "个人所得税", "advance": "借支",
                  "damages": "赔偿经济损失", "court_order": "法院判决", "other_lawful": "其他法定扣款"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: Any) -> Any:
    """A text cell never starts a formula (CSV/XLSX injection). The shared export helper replaces this."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _confirmation(line: PayrollLine) -> str:
    if line.confirmed_at:
        return f"本人签字确认 {local(line.confirmed_at)}（SHA-256 {line.signature_sha256[:12] if line.signature_sha256 else ''}）"
    if line.slip_status == "released":
        return f"未确认，放行：{line.resolution or ''}"
    if line.slip_status == "held":
        return f"暂缓：{line.resolution or ''}"
    return line.slip_status


def _hours(project_id: int, first: str, last: str) -> dict[tuple[int, str], int]:
    month = func.substr(func.cast(AttendanceDay.business_date, db.String), 1, 7)
    rows = db.session.execute(select(AttendanceDay.user_id, month, func.sum(AttendanceDay.worked_minutes)).where(
        and_(AttendanceDay.project_id == project_id, AttendanceDay.confirmed_at.is_not(None),
             AttendanceDay.business_date >= month_bounds(first)[0],
             AttendanceDay.business_date < month_bounds(last)[1]))
        .group_by(AttendanceDay.user_id, month)).all()
    return {(uid, m): int(minutes or 0) for uid, m, minutes in rows}


def wage_ledger_xlsx(actor_id: int, project_id: int, first: str, last: str) -> Iterator[bytes]:
    authorize(actor_id, Action.PAYROLL_LEDGER, project_id)
    rows = db.session.execute(select(Payroll, PayrollLine).join(PayrollLine, PayrollLine.payroll_id == Payroll.id)
                              .where(Payroll.project_id == project_id, Payroll.status == PayrollStatus.APPROVED.value,
                                     Payroll.month >= first, Payroll.month <= last)
                              .order_by(Payroll.month, Payroll.company_id, Payroll.id, PayrollLine.user_id)).all()
    user_ids = sorted({line.user_id for _p, line in rows})
    profiles = {p.user_id: p for p in db.session.execute(select(
        WorkerProfile.id, WorkerProfile.user_id, WorkerProfile.name_enc, WorkerProfile.id_number_enc).where(
        WorkerProfile.user_id.in_(user_ids or [-1])))}
    users = {u.id: u for u in db.session.execute(select(User).where(User.id.in_(user_ids or [-1]))).scalars()}
    # the one clear read of this file: names, ID numbers and phones of these workers
    audit.record("pii.read", actor_user_id=actor_id, object_type="project", object_id=project_id,
                 details={"field": "name,id_number,phone", "purpose": "wage_ledger", "from": first, "to": last,
                          "workers": len(user_ids), "rows": len(rows)})
    hours = _hours(project_id, first, last)
    companies: dict[int, str] = {}

    def clear(uid: int) -> tuple[str, str, str]:
        prof, user = profiles.get(uid), users.get(uid)
        name = pii.decrypt_str(prof.name_enc, context=profile_context("name", prof.id)) if prof else ""
        id_no = pii.decrypt_str(prof.id_number_enc, context=profile_context("id_number", prof.id)) if prof else ""
        phone = pii.decrypt_str(user.phone_enc, context=phone_context(user)) if user and user.phone_enc else ""
        return name, id_no, phone

    def lines() -> Iterator[list[Any]]:
        yield HEADER
        for payroll, line in rows:
            if payroll.company_id not in companies:
                companies[payroll.company_id] = company_name(payroll.company_id)
            name, id_no, phone = clear(line.user_id)
            detail = "；".join(f"{DEDUCTION_TEXT.get(d['kind'], d['kind'])} {d['reason']} {yuan(d['applied_fen'])}"
                              + (f"（{d['basis']}）" if d.get("basis") else "") for d in line.deductions)
            yield [neutral(v) for v in (
                payroll.month, KIND_TEXT.get(payroll.kind, payroll.kind), companies[payroll.company_id],
                name or line.name_masked, id_no, phone, line.half_days / 2,
                round(hours.get((line.user_id, payroll.month), 0) / 60, 2), round(line.overtime_minutes / 60, 2),
                WAGE_TYPE.get(line.wage_type, line.wage_type), yuan(line.base_fen), yuan(line.overtime_fen),
                yuan(line.gross_fen), detail, yuan(line.deductions_fen), yuan(line.net_fen),
                local(line.paid_at)[:10], line.paid_ref or "", _confirmation(line))]

    return spool(lines(), "xlsx")
