"""Only lawful deductions (《工资支付暂行规定》, 劳部发〔1994〕489号):

第十五条：用人单位不得克扣劳动者工资。有下列情况之一的，用人单位可以代扣劳动者工资：（一）用人单位代扣代缴
的个人所得税；（二）用人单位代扣代缴的应由劳动者个人负担的各项社会保险费用；（三）法院判决、裁定中要求代扣的
抚养费、赡养费；（四）法律、法规规定可以从劳动者工资中扣除的其他费用。

第十六条：因劳动者本人原因给用人单位造成经济损失的，用人单位可按照劳动合同的约定要求其赔偿经济损失。经济损失
的赔偿，可从劳动者本人的工资中扣除。但每月扣除的部分不得超过劳动者当月工资的20%。若扣除后的剩余工资部分低于
当地月最低工资标准，则按最低工资标准支付。

So the kinds are ``social_insurance``, ``income_tax``, ``court_order``, ``other_lawful`` (must cite
its legal basis), ``damages`` (per the contract, within the 20 % and minimum-wage limits) and
``advance`` (借支: repaying the worker's own advance, only with the worker's signed
acknowledgement — a signature on the advance itself (``acknowledge_advance``) or the slip's). There is no ``fine`` (罚款): no law lets an employer fine a worker out of the wage.
"""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import select

from models import db
from models.base import utcnow
from models.payroll import PayrollDeduction
from services import audit
from services.attendance.clocks import worker_membership
from services.attendance.locks import refuse_if_locked
from services.authz import Action, authorize, general_contractor_of
from services.contracts.signing import clean_signature  # one signature rule for contracts, slips, advances
from services.errors import NotFound, Unprocessable
from services.payroll import rules, terms
from services.payroll.build import _contracts, _day_totals, _piece, check_month, overtime_rule, payroll_rules
from services.payroll.employers import team_companies
from services.storage import objects

KINDS = ("social_insurance", "income_tax", "advance", "damages", "court_order", "other_lawful")
NEEDS_BASIS = ("court_order", "other_lawful", "damages")


def month_gross(project_id: int, user_id: int, month: str) -> tuple[int, int]:
    """The worker's gross wage of the month as confirmed so far, and the half-days worked."""
    rule = overtime_rule(project_id)
    totals = _day_totals(project_id, month, rule, [user_id])
    half_days = sum(t[2] for t in totals)
    overtime = sum(t[3] for t in totals)
    piece = _piece(project_id, month)[0].get(user_id, 0)
    contract = _contracts(project_id).get(user_id)
    if contract is None:
        return 0, half_days
    pay = terms.month_pay(project_id, user_id, contract, terms.changes_of([contract.id]).get(contract.id, []),
                          month, rules.Work(half_days, piece, overtime), rule)  # a signed 变更协议 counts too
    return pay.base_fen + pay.overtime_fen, half_days


def check_damages(project_id: int, user_id: int, month: str, amount_fen: int) -> None:
    minimum_wage = payroll_rules(project_id).minimum_wage_fen
    if minimum_wage <= 0:
        raise Unprocessable("MINIMUM_WAGE_UNSET")
    gross, half_days = month_gross(project_id, user_id, month)
    entered = list(db.session.execute(select(PayrollDeduction.kind, PayrollDeduction.amount_fen).where(
        PayrollDeduction.project_id == project_id, PayrollDeduction.user_id == user_id,
        PayrollDeduction.month == month)))
    damages = sum(a for k, a in entered if k == "damages")
    other = sum(a for k, a in entered if k != "damages")
    share_room = max(0, gross * rules.DAMAGES_PERCENT // 100 - damages)
    if amount_fen > share_room:
        raise Unprocessable("DEDUCTION_OVER_LIMIT", "赔偿经济损失每月不得超过当月工资的20%", {
            "limit": "damages_20_percent", "max_fen": share_room, "month_wage_fen": gross})
    minimum = rules.minimum_for(minimum_wage, half_days)
    room = rules.damages_room(gross, other, damages, minimum)
    if amount_fen > room:
        raise Unprocessable("DEDUCTION_OVER_LIMIT", "扣除后剩余工资不得低于当地最低工资标准", {
            "limit": "minimum_wage", "max_fen": room, "minimum_fen": minimum, "month_wage_fen": gross})


def add_deduction(actor_id: int, project_id: int, *, user_id: int, month: str, kind: str, amount_fen: int,
                  reason: str, basis: str | None = None) -> PayrollDeduction:
    """The worker's employer enters a lawful deduction; refused without a basis where one is needed,
    and a damages deduction beyond §16's limits is refused, naming the limit."""
    check_month(month)
    membership = worker_membership(user_id, project_id) if authorize_any(actor_id, project_id) else None
    if membership is None:
        raise Unprocessable("NOT_PROJECT_WORKER", "该用户不是本项目工人", {"user_id": user_id})
    employer = team_companies(project_id).get(membership.team_id) or general_contractor_of(project_id)
    authorize(actor_id, Action.PAYROLL_EMPLOYER, project_id, company_id=employer)
    refuse_if_locked(project_id, date.fromisoformat(f"{month}-01"))
    if kind not in KINDS or (kind in NEEDS_BASIS and not (basis or "").strip()):
        raise Unprocessable("DEDUCTION_KIND_INVALID", details={"kind": kind, "needs_basis": list(NEEDS_BASIS)})
    if kind == "damages":
        check_damages(project_id, user_id, month, amount_fen)
    row = PayrollDeduction(project_id=project_id, user_id=user_id, month=month, kind=kind, amount_fen=amount_fen,
                           reason=reason, basis=basis, created_by=actor_id, created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    audit.record("payroll.deduction_added", actor_user_id=actor_id, object_type="payroll_deduction",
                 object_id=row.id, details={"user_id": user_id, "month": month, "kind": kind,
                                            "amount_fen": amount_fen, "reason": reason, "basis": basis})
    return row


def acknowledge_advance(actor_id: int, deduction_id: int, signature: bytes) -> PayrollDeduction:
    """The worker signs for their own advance (借支) with a handwritten signature (PNG)."""
    row = db.session.get(PayrollDeduction, deduction_id)
    if row is None or row.user_id != actor_id or row.kind != "advance":
        raise NotFound("DEDUCTION_NOT_FOUND")
    if row.acknowledged_at is None:
        signature = clean_signature(signature)  # decoded, bounded, re-encoded before storing
        row.ack_signature_object_id = objects.put(signature, context=f"payroll_deductions.ack_signature:{row.id}",
                                                  content_type="image/png").id
        row.ack_signature_sha256 = hashlib.sha256(signature).hexdigest()
        row.acknowledged_at = utcnow()
        db.session.flush()
        audit.record("payroll.advance_acknowledged", actor_user_id=actor_id, object_type="payroll_deduction",
                     object_id=row.id, details={"amount_fen": row.amount_fen, "month": row.month,
                                                "signature_sha256": row.ack_signature_sha256})
    return row


def unacknowledged_advances(project_id: int, user_id: int, months: list[str]) -> list[int]:
    """The worker's advances of these months without a signature of their own (the slip's would do)."""
    return list(db.session.execute(select(PayrollDeduction.id).where(
        PayrollDeduction.project_id == project_id, PayrollDeduction.user_id == user_id,
        PayrollDeduction.month.in_(months), PayrollDeduction.kind == "advance",
        PayrollDeduction.acknowledged_at.is_(None))).scalars())


def my_deductions(actor_id: int) -> list[PayrollDeduction]:
    return list(db.session.execute(select(PayrollDeduction).where(PayrollDeduction.user_id == actor_id)
                                   .order_by(PayrollDeduction.id)).scalars())


def authorize_any(actor_id: int, project_id: int) -> bool:
    """Outsiders learn nothing (404), members without any payroll employer role 403, before the worker is looked up."""
    from services.authz import scope

    scope(actor_id, Action.PAYROLL_EMPLOYER, project_id)
    return True
