"""A month's payroll draft: computed from confirmed attendance days, confirmed piece work, the
worker's signed contract, the deductions and the project's overtime rule.

``compute`` reads and decides (no writes); ``build_payroll`` writes its answer. The same
inputs always give the same lines and the same ``fingerprint`` (lines in user order, one
rounding rule), so a rebuild of an unchanged draft changes nothing, and approval can tell
that attendance moved since submission. What cannot be paid correctly is listed in
``blockers`` and never silently included: unconfirmed days, open disputes, a missing bank
card or signed contract, unconfirmed piece work. A worker deferred to next month (with a
reason) leaves this payroll and its blockers; the next payroll pays those days too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, select

from models import db
from models.attendance import AttendanceDay, Dispute, DisputeStatus
from models.base import utcnow
from models.contracts import Contract, ContractStatus
from models.enrollment import WorkerProfile
from models.payroll import (
    Payroll,
    PayrollDeduction,
    PayrollDeferral,
    PayrollLine,
    PayrollRules,
    PayrollStatus,
    PieceWork,
)
from services import audit
from services.attendance import worth
from services.attendance.locks import month_bounds, month_of
from services.attendance.people import masked_names
from services.authz import Action, authorize, refuse_own
from services.days import business_day
from services.errors import Conflict, Unprocessable
from services.payroll import rules

LINE_FIELDS = ("user_id", "team_id", "contract_id", "name_masked", "wage_type", "rate_fen", "half_days",
               "piece_milli", "overtime_minutes", "base_fen", "overtime_fen", "gross_fen", "deductions",
               "deductions_fen", "net_fen", "carried_months", "bank_card_last4", "bank_name")


@dataclass
class Computed:
    lines: list[dict[str, Any]]
    blockers: list[dict[str, Any]]
    fingerprint: str


@dataclass
class _Worker:
    team_id: int | None = None
    half_days: int = 0
    overtime_minutes: int = 0
    piece_milli: int = 0
    months: list[str] = field(default_factory=list)


def overtime_rule(project_id: int) -> rules.OvertimeRule:
    row = db.session.get(PayrollRules, project_id)
    return rules.OvertimeRule(row.overtime_after_minutes, row.overtime_percent) if row else rules.OvertimeRule()


def check_month(month: str) -> None:
    if month > month_of(business_day()):
        raise Unprocessable("MONTH_IN_FUTURE", "不能为尚未开始的月份做工资", {"month": month})


def _day_totals(project_id: int, month: str, rule: rules.OvertimeRule, user_ids: list[int] | None
                ) -> list[tuple[int, int | None, int, int, int, int]]:
    """Per worker: team, half-day units, overtime minutes, unconfirmed days, confirmed days without a clock-out."""
    first, after = month_bounds(month)
    confirmed = AttendanceDay.confirmed_at.is_not(None)
    units = case((confirmed, worth.half_days_sql()), else_=0)  # what a day is worth: attendance's one rule
    extra = case((and_(confirmed, AttendanceDay.worked_minutes > rule.after_minutes),
                  AttendanceDay.worked_minutes - rule.after_minutes), else_=0)
    query = select(AttendanceDay.user_id, func.max(AttendanceDay.team_id), func.sum(units), func.sum(extra),
                   func.sum(case((confirmed, 0), else_=1)),
                   func.sum(case((and_(confirmed, AttendanceDay.status == "missing_out"), 1), else_=0))
                   ).where(AttendanceDay.project_id == project_id, AttendanceDay.business_date >= first,
                           AttendanceDay.business_date < after).group_by(AttendanceDay.user_id)
    if user_ids is not None:
        query = query.where(AttendanceDay.user_id.in_(user_ids))
    return [(u, t, int(h or 0), int(o or 0), int(n or 0), int(m or 0)) for u, t, h, o, n, m in db.session.execute(query)]


def _dates(project_id: int, month: str, user_ids: set[int], condition: Any) -> dict[int, list[str]]:
    first, after = month_bounds(month)
    out: dict[int, list[str]] = {}
    for uid, day in db.session.execute(select(AttendanceDay.user_id, AttendanceDay.business_date).where(
            AttendanceDay.project_id == project_id, AttendanceDay.business_date >= first,
            AttendanceDay.business_date < after, condition).order_by(AttendanceDay.business_date)):
        if uid in user_ids:
            out.setdefault(uid, []).append(day.isoformat())
    return out


def _piece(project_id: int, month: str) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    """Confirmed quantity per worker, unconfirmed entries per worker, team per worker."""
    first, after = month_bounds(month)
    done: dict[int, int] = {}
    open_: dict[int, int] = {}
    teams: dict[int, int] = {}
    for uid, team_id, qty, confirmed in db.session.execute(select(
            PieceWork.user_id, PieceWork.team_id, PieceWork.quantity_milli, PieceWork.confirmed_at).where(
            PieceWork.project_id == project_id, PieceWork.work_date >= first, PieceWork.work_date < after)):
        teams[uid] = team_id
        if confirmed is None:
            open_[uid] = open_.get(uid, 0) + 1
        else:
            done[uid] = done.get(uid, 0) + qty
    return done, open_, teams


def _contracts(project_id: int) -> dict[int, Any]:
    """Each worker's latest signed contract in the project (a terminated one still pays its days):
    its id, team and wage terms only (the encrypted text is not needed here)."""
    out: dict[int, Any] = {}
    for c in db.session.execute(select(Contract.id, Contract.user_id, Contract.team_id, Contract.wage_type,
                                       Contract.wage_amount_fen).where(
            Contract.project_id == project_id,
            Contract.status.in_((ContractStatus.SIGNED.value, ContractStatus.TERMINATED.value))).order_by(Contract.id)):
        out[c.user_id] = c
    return out


def _deductions(project_id: int, months: set[str]) -> dict[int, list[rules.Deduction]]:
    out: dict[int, list[rules.Deduction]] = {}
    for d in db.session.execute(select(PayrollDeduction).where(
            PayrollDeduction.project_id == project_id, PayrollDeduction.month.in_(months))
            .order_by(PayrollDeduction.id)).scalars():
        out.setdefault(d.user_id, []).append(rules.Deduction(d.kind, d.reason, d.amount_fen))
    return out


def _blocker(code: str, message: str, user_id: int, names: dict[int, str], **details: Any) -> dict[str, Any]:
    return {"code": code, "message": message, "user_id": user_id, "name_masked": names.get(user_id, ""), **details}


def compute(payroll: Payroll) -> Computed:
    project_id, month = payroll.project_id, payroll.month
    rule = overtime_rule(project_id)
    deferred_here = set(db.session.execute(select(PayrollDeferral.user_id).where(
        PayrollDeferral.payroll_id == payroll.id)).scalars()) if payroll.id else set()
    carried: dict[str, list[int]] = {}
    for uid, m in db.session.execute(select(PayrollDeferral.user_id, PayrollDeferral.month).where(
            PayrollDeferral.project_id == project_id, PayrollDeferral.carried_to.is_(None),
            PayrollDeferral.month < month)):
        carried.setdefault(m, []).append(uid)

    workers: dict[int, _Worker] = {}
    unconfirmed: set[tuple[int, str]] = set()
    missing_out: set[tuple[int, str]] = set()
    for m, only in [(month, None), *sorted(carried.items())]:
        for uid, team_id, units, overtime, open_days, no_out in _day_totals(project_id, m, rule, only):
            w = workers.setdefault(uid, _Worker())
            w.team_id = w.team_id or team_id
            w.half_days += units
            w.overtime_minutes += overtime
            w.months.append(m)
            if open_days:
                unconfirmed.add((uid, m))
            if no_out:
                missing_out.add((uid, m))
    done, open_pieces, piece_teams = _piece(project_id, month)
    for uid, qty in done.items():
        workers.setdefault(uid, _Worker(team_id=piece_teams[uid], months=[month])).piece_milli += qty
    for uid in open_pieces:
        workers.setdefault(uid, _Worker(team_id=piece_teams[uid], months=[month]))
    for uid in deferred_here:
        if month in workers.get(uid, _Worker()).months:
            workers.pop(uid)  # left for a later payroll, with this month's days

    user_ids = sorted(workers)
    contracts = _contracts(project_id)
    profiles = {p.user_id: p for p in db.session.execute(select(
        WorkerProfile.user_id, WorkerProfile.name_masked, WorkerProfile.bank_card_last4, WorkerProfile.bank_name,
        WorkerProfile.bank_card_enc.is_not(None).label("has_card")).where(
        WorkerProfile.user_id.in_(user_ids or [-1])))}
    names = {uid: p.name_masked for uid, p in profiles.items()}
    names.update(masked_names([uid for uid in user_ids if uid not in profiles]))  # no profile yet: the nickname
    deductions = _deductions(project_id, {month, *carried})
    blockers: list[dict[str, Any]] = []
    wanted = set(user_ids)
    for (uid, m) in sorted(u for u in unconfirmed if u[0] in wanted):
        dates = _dates(project_id, m, {uid}, AttendanceDay.confirmed_at.is_(None)).get(uid, [])
        blockers.append(_blocker("DAYS_UNCONFIRMED", "有未确认的考勤日", uid, names, month=m, dates=dates))
    for (uid, m) in sorted(u for u in missing_out if u[0] in wanted):
        dates = _dates(project_id, m, {uid}, and_(AttendanceDay.confirmed_at.is_not(None),
                                                  AttendanceDay.status == "missing_out")).get(uid, [])
        blockers.append(_blocker("DAYS_MISSING_OUT", "已确认的考勤日缺下班卡，请班组长更正", uid, names, month=m, dates=dates))
    for m in {month, *carried}:
        first, after = month_bounds(m)
        for d in db.session.execute(select(Dispute).where(
                Dispute.project_id == project_id, Dispute.status == DisputeStatus.OPEN.value,
                Dispute.business_date >= first, Dispute.business_date < after).order_by(Dispute.id)).scalars():
            if d.user_id in wanted:
                blockers.append(_blocker("DISPUTE_OPEN", "有未处理的考勤异议", d.user_id, names,
                                         dispute_id=d.id, date=d.business_date.isoformat()))
    lines: list[dict[str, Any]] = []
    for uid in user_ids:
        w, contract, profile = workers[uid], contracts.get(uid), profiles.get(uid)
        if uid in open_pieces:
            blockers.append(_blocker("PIECE_UNCONFIRMED", "有工人未确认的计件数量", uid, names, count=open_pieces[uid]))
        if profile is None or not profile.has_card:
            blockers.append(_blocker("BANK_CARD_MISSING", "未登记本人银行卡", uid, names))
        if contract is None:
            blockers.append(_blocker("CONTRACT_MISSING", "没有已签署的劳动合同，无法计算工资", uid, names))
            continue
        wage = rules.wage(contract.wage_type, contract.wage_amount_fen,
                          rules.Work(w.half_days, w.piece_milli, w.overtime_minutes), rule,
                          deductions.get(uid, []))
        lines.append({
            "user_id": uid, "team_id": w.team_id or contract.team_id, "contract_id": contract.id,
            "name_masked": names.get(uid, ""), "wage_type": contract.wage_type, "rate_fen": contract.wage_amount_fen,
            "half_days": w.half_days, "piece_milli": w.piece_milli, "overtime_minutes": w.overtime_minutes,
            "base_fen": wage.base_fen, "overtime_fen": wage.overtime_fen, "gross_fen": wage.gross_fen,
            "deductions": wage.deductions, "deductions_fen": wage.deductions_fen, "net_fen": wage.net_fen,
            "carried_months": sorted(set(w.months) - {month}),
            "bank_card_last4": profile.bank_card_last4 if profile else None,
            "bank_name": profile.bank_name if profile else None,
        })
    blockers.sort(key=lambda b: (b["user_id"], b["code"], b.get("month", ""), b.get("dispute_id", 0)))
    digest = hashlib.sha256(json.dumps([lines, blockers], sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return Computed(lines, blockers, digest)


def find_payroll(project_id: int, month: str) -> Payroll | None:
    return db.session.execute(select(Payroll).where(Payroll.project_id == project_id, Payroll.month == month)
                              ).scalar_one_or_none()


def write_lines(payroll: Payroll, computed: Computed) -> None:
    """Make the stored lines equal the computed ones, keeping each worker's line (and its id)."""
    if payroll.fingerprint == computed.fingerprint and payroll.builds:
        return  # nothing moved since the last build: the stored lines are these
    existing = {line.user_id: line for line in db.session.execute(
        select(PayrollLine).where(PayrollLine.payroll_id == payroll.id)).scalars()}
    new_rows = []
    for row in computed.lines:
        line = existing.pop(row["user_id"], None)
        if line is None:
            new_rows.append({"payroll_id": payroll.id, **row})
            continue
        for key in LINE_FIELDS:
            if getattr(line, key) != row[key]:
                setattr(line, key, row[key])
    if existing:
        db.session.execute(delete(PayrollLine).where(PayrollLine.id.in_([x.id for x in existing.values()])))
    if new_rows:
        db.session.execute(insert(PayrollLine), new_rows)
    payroll.line_count = len(computed.lines)
    payroll.total_gross_fen = sum(r["gross_fen"] for r in computed.lines)
    payroll.total_deductions_fen = sum(r["deductions_fen"] for r in computed.lines)
    payroll.total_net_fen = sum(r["net_fen"] for r in computed.lines)
    payroll.blockers, payroll.fingerprint = computed.blockers, computed.fingerprint


def build_payroll(actor_id: int, project_id: int, month: str) -> Payroll:
    """Create the month's draft, or rebuild it (same id) while it is a draft or was sent back."""
    authorize(actor_id, Action.PAYROLL_PREPARE, project_id)
    check_month(month)
    payroll = find_payroll(project_id, month)
    if payroll is None:
        payroll = Payroll(project_id=project_id, month=month, prepared_by=actor_id, created_at=utcnow(),
                          blockers=[], builds=0)
        db.session.add(payroll)
        db.session.flush()
    elif payroll.status not in (PayrollStatus.DRAFT.value, PayrollStatus.REJECTED.value):
        raise Conflict("PAYROLL_NOT_DRAFT", "该月工资表已提交或已审批，不能重新生成",
                       {"payroll_id": payroll.id, "status": payroll.status})
    computed = compute(payroll)
    # nobody prepares the payroll that pays themselves (a labour manager who also works here)
    refuse_own(actor_id, {r["user_id"] for r in computed.lines} | {b["user_id"] for b in computed.blockers},
               "PAYROLL_OWN_LINE", month=month)
    write_lines(payroll, computed)
    payroll.status, payroll.prepared_by, payroll.built_at = PayrollStatus.DRAFT.value, actor_id, utcnow()
    payroll.builds += 1
    db.session.flush()
    audit.record("payroll.built", actor_user_id=actor_id, object_type="payroll", object_id=payroll.id,
                 details={"month": month, "lines": payroll.line_count, "blockers": len(payroll.blockers),
                          "total_net_fen": payroll.total_net_fen, "fingerprint": payroll.fingerprint})
    return payroll
