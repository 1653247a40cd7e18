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
from models.contracts import Contract
from models.enrollment import WorkerProfile
from models.payroll import (
    Payroll,
    PayrollDeduction,
    PayrollDeferral,
    PayrollKind,
    PayrollLine,
    PayrollRules,
    PayrollStatus,
    PieceWork,
    SlipStatus,
)
from services import audit
from services.attendance import worth
from services.attendance.locks import month_bounds, month_of
from services.attendance.people import masked_names
from services.authz import Action, authorize, general_contractor_of, refuse_own
from services.contracts.in_force import BOTH_SIGNED  # both parties signed (《劳动合同法》第十六条)
from services.days import business_day
from services.errors import Conflict, Unprocessable
from services.payroll import rules, terms
from services.payroll.employers import (
    employer_of_project,
    held_users,
    next_seq,
    settled_users,
    team_companies,
)
from services.payroll.payday import project_pay_date
from services.storage import objects

SLIP_FIELDS = ("wage_type", "rate_fen", "half_days", "piece_milli", "overtime_minutes", "base_fen", "overtime_fen",
               "gross_fen", "deductions", "deductions_fen", "net_fen", "carried_months")  # what the worker confirms
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
    by_month: dict[str, list[int]] = field(default_factory=dict)  # month -> [half days, overtime, piece]

    def work(self) -> dict[str, rules.Work]:
        return {m: rules.Work(u, p, o) for m, (u, o, p) in self.by_month.items()}


def payroll_rules(project_id: int) -> PayrollRules:
    """The project's rules; a project without a row has the defaults (not added to the session)."""
    return db.session.get(PayrollRules, project_id) or PayrollRules(
        project_id=project_id, overtime_after_minutes=480, overtime_percent=150, slip_confirm_days=3,
        settlement_days=3, minimum_wage_fen=0, pay_day=None)


def overtime_rule(project_id: int) -> rules.OvertimeRule:
    row = db.session.get(PayrollRules, project_id)
    return rules.OvertimeRule(row.overtime_after_minutes, row.overtime_percent) if row else rules.OvertimeRule()


def covered_users(payroll: Payroll) -> set[int] | None:
    """The workers a payroll may hold: None for a monthly one (everyone of the employer but the settled)."""
    if payroll.kind == PayrollKind.SETTLEMENT.value:
        return {payroll.settlement_user_id} if payroll.settlement_user_id else set()
    if payroll.kind == PayrollKind.SUPPLEMENTARY.value:
        return held_users(payroll.project_id, payroll.month, payroll.company_id, except_payroll=payroll.id)
    return None


def check_month(month: str) -> None:
    if month > month_of(business_day()):
        raise Unprocessable("MONTH_IN_FUTURE", "不能为尚未开始的月份做工资", {"month": month})


def _day_totals(project_id: int, month: str, rule: rules.OvertimeRule, user_ids: list[int] | None
                ) -> list[tuple[int, int | None, int, int, int, int]]:
    """Per worker: team, half-day units, overtime minutes, unconfirmed days, confirmed days without a clock-out."""
    first, after = month_bounds(month)
    confirmed = AttendanceDay.confirmed_at.is_not(None)
    units = case((confirmed, worth.half_days_sql()), else_=0)  # what a day is worth: attendance's one rule
    extra = case((confirmed, terms.overtime_minutes_sql(rule)), else_=0)
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
            Contract.status.in_(BOTH_SIGNED)).order_by(Contract.id)):
        out[c.user_id] = c
    return out


def _deductions(project_id: int, months: set[str]) -> dict[int, list[rules.Deduction]]:
    out: dict[int, list[rules.Deduction]] = {}
    for d in db.session.execute(select(PayrollDeduction).where(
            PayrollDeduction.project_id == project_id, PayrollDeduction.month.in_(months))
            .order_by(PayrollDeduction.id)).scalars():
        out.setdefault(d.user_id, []).append(rules.Deduction(d.kind, d.reason, d.amount_fen, d.basis))
    return out


def _blocker(code: str, message: str, user_id: int, names: dict[int, str], **details: Any) -> dict[str, Any]:
    return {"code": code, "message": message, "user_id": user_id, "name_masked": names.get(user_id, ""), **details}


def compute(payroll: Payroll) -> Computed:
    project_id, month = payroll.project_id, payroll.month
    rule = overtime_rule(project_id)
    if payroll.kind == PayrollKind.MONTHLY.value:
        settled = settled_users(project_id, month, payroll.company_id)
    else:
        settled = set()
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
    covered = covered_users(payroll)  # a settlement or supplementary payroll reads its own workers' days only
    first_only = sorted(covered) if covered is not None else None
    for m, only in [(month, first_only), *sorted(carried.items())]:
        for uid, team_id, units, overtime, open_days, no_out in _day_totals(project_id, m, rule, only):
            w = workers.setdefault(uid, _Worker())
            w.team_id = w.team_id or team_id
            w.half_days += units
            w.overtime_minutes += overtime
            w.months.append(m)
            w.by_month[m] = [units, overtime, 0]
            if open_days:
                unconfirmed.add((uid, m))
            if no_out:
                missing_out.add((uid, m))
    done, open_pieces, piece_teams = _piece(project_id, month)
    for uid, qty in done.items():
        w = workers.setdefault(uid, _Worker(team_id=piece_teams[uid], months=[month]))
        w.piece_milli += qty
        w.by_month.setdefault(month, [0, 0, 0])[2] += qty
    for uid in open_pieces:
        workers.setdefault(uid, _Worker(team_id=piece_teams[uid], months=[month]))
    for uid in settled:
        workers.pop(uid, None)  # paid by their settlement payroll (退场结算)
    for uid in deferred_here:
        if month in workers.get(uid, _Worker()).months:
            workers.pop(uid)  # left for a later payroll, with this month's days

    contracts = _contracts(project_id)
    changes = terms.changes_of([c.id for c in contracts.values()])  # signed 变更协议 (services/payroll/terms.py)
    only = covered
    employers = team_companies(project_id)
    gc = general_contractor_of(project_id)
    for uid in list(workers):
        team = workers[uid].team_id or (contracts[uid].team_id if uid in contracts else None)
        if employers.get(team, gc) != payroll.company_id or (only is not None and uid not in only):
            workers.pop(uid)  # another employer's worker, or not in this supplementary / settlement payroll
    user_ids = sorted(workers)
    profiles = {p.user_id: p for p in db.session.execute(select(
        WorkerProfile.user_id, WorkerProfile.name_masked, WorkerProfile.bank_card_last4, WorkerProfile.bank_name,
        WorkerProfile.bank_card_enc.is_not(None).label("has_card")).where(
        WorkerProfile.user_id.in_(user_ids or [-1])))}
    names = {uid: p.name_masked for uid, p in profiles.items()}
    names.update(masked_names([uid for uid in user_ids if uid not in profiles]))  # no profile yet: the nickname
    deductions = _deductions(project_id, {month, *carried})
    prs = payroll_rules(project_id)
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
        pay = terms.line_pay(project_id, uid, contract, changes.get(contract.id, []), w.work(), rule)
        wage = rules.settle(pay.base_fen, pay.overtime_fen, deductions.get(uid, []),
                            rules.minimum_for(prs.minimum_wage_fen, w.half_days))
        lines.append({
            "user_id": uid, "team_id": w.team_id or contract.team_id, "contract_id": contract.id,
            "name_masked": names.get(uid, ""), "wage_type": pay.rate.wage_type, "rate_fen": pay.rate.rate_fen,
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


def find_payroll(project_id: int, month: str, company_id: int, kind: str = PayrollKind.MONTHLY.value,
                 seq: int = 0) -> Payroll | None:
    return db.session.execute(select(Payroll).where(
        Payroll.project_id == project_id, Payroll.month == month, Payroll.company_id == company_id,
        Payroll.kind == kind, Payroll.seq == seq)).scalar_one_or_none()


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
            new_rows.append({"payroll_id": payroll.id, "slip_status": SlipStatus.DRAFT.value, "slip_version": 0,
                             "slip_history": [], **row})
            continue
        if any(getattr(line, key) != row[key] for key in SLIP_FIELDS):
            reissue(line)
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


def reissue(line: PayrollLine) -> None:
    """The slip's content is about to change: keep the version the worker saw; it goes back to them."""
    if line.slip_status == SlipStatus.DRAFT.value:
        return
    line.slip_history = [*line.slip_history, {
        "version": line.slip_version, "slip_status": line.slip_status, "gross_fen": line.gross_fen,
        "deductions_fen": line.deductions_fen, "net_fen": line.net_fen, "days": line.half_days / 2,
        "dispute_reason": line.dispute_reason, "issued_at": line.issued_at.isoformat() if line.issued_at else None}]
    if line.slip_status != SlipStatus.HELD.value:  # a held line stays held for the supplementary payroll
        line.slip_status, line.slip_version, line.issued_at = SlipStatus.TO_CONFIRM.value, line.slip_version + 1, utcnow()
        old_signature = line.signature_object_id
        line.confirmed_at = line.signature_object_id = line.signature_sha256 = None
        if old_signature is not None:  # the object goes after the commit (services/storage)
            db.session.flush()
            objects.discard([old_signature])
        line.notified_at = None  # the corrected slip is announced again at the next issue-slips
        line.resolution = line.resolved_by = line.resolved_at = None


def build_payroll(actor_id: int, project_id: int, month: str, company_id: int | None = None, *,
                  supplementary: bool = False) -> Payroll:
    """Create the employer's month draft, or rebuild it (same id) while it is a draft or was sent back.
    ``supplementary``: a new payroll of the month paying the lines held from the earlier ones."""
    company_id, sub = employer_of_project(project_id, company_id)
    authorize(actor_id, Action.PAYROLL_EMPLOYER, project_id, company_id=company_id)
    check_month(month)
    if supplementary:
        if not held_users(project_id, month, company_id):
            raise Unprocessable("NOTHING_HELD", details={"month": month, "company_id": company_id})
        seq = next_seq(project_id, month, company_id, PayrollKind.SUPPLEMENTARY.value)
        payroll = new_payroll(actor_id, project_id, month, company_id, PayrollKind.SUPPLEMENTARY.value, seq, sub)
    else:
        payroll = find_payroll(project_id, month, company_id) or new_payroll(
            actor_id, project_id, month, company_id, PayrollKind.MONTHLY.value, 0, sub)
    return rebuild(actor_id, payroll)


def new_payroll(actor_id: int, project_id: int, month: str, company_id: int, kind: str, seq: int, sub: bool,
                **extra: Any) -> Payroll:
    payroll = Payroll(project_id=project_id, month=month, company_id=company_id, kind=kind, seq=seq,
                      needs_review=sub, prepared_by=actor_id, created_at=utcnow(), blockers=[], builds=0, **extra)
    db.session.add(payroll)
    db.session.flush()
    return payroll


def rebuild(actor_id: int, payroll: Payroll) -> Payroll:
    month = payroll.month
    if payroll.status not in (PayrollStatus.DRAFT.value, PayrollStatus.REJECTED.value):
        raise Conflict("PAYROLL_NOT_DRAFT", "该月工资表已提交或已审批，不能重新生成",
                       {"payroll_id": payroll.id, "status": payroll.status})
    computed = compute(payroll)
    # nobody prepares the payroll that pays themselves (a labour manager who also works here)
    refuse_own(actor_id, {r["user_id"] for r in computed.lines} | {b["user_id"] for b in computed.blockers},
               "PAYROLL_OWN_LINE", month=month)
    write_lines(payroll, computed)
    if payroll.kind != PayrollKind.SETTLEMENT.value:
        payroll.due_date = project_pay_date(payroll.project_id, month)
    payroll.status, payroll.prepared_by, payroll.built_at = PayrollStatus.DRAFT.value, actor_id, utcnow()
    payroll.builds += 1
    db.session.flush()
    audit.record("payroll.built", actor_user_id=actor_id, object_type="payroll", object_id=payroll.id,
                 details={"month": month, "company_id": payroll.company_id, "kind": payroll.kind,
                          "lines": payroll.line_count, "blockers": len(payroll.blockers),
                          "total_net_fen": payroll.total_net_fen, "fingerprint": payroll.fingerprint})
    return payroll
