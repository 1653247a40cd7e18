"""Maker-checker in the law's order: the employer prepares and submits (only when every slip is
confirmed, released or held: services/payroll/order.py), the general contractor's labour manager
reviews a subcontractor's payroll, a payroll approver who made none of it approves or sends it back.

《保障农民工工资支付条例》第二十八条（节选）：施工总承包单位应当在工程项目部配备劳资专管员，对分包单位
劳动用工实施监督管理，掌握施工现场用工、考勤、工资支付等情况，审核分包单位编制的农民工考勤表、工资支付表
等工资发放资料。 — Art. 28: the general contractor's labour manager reviews the attendance and wage sheets
the subcontractors prepare.

第三十条（节选）：分包单位对所招用农民工的实名制管理和工资支付负直接责任。施工总承包单位对分包单位劳动用工
和工资发放等情况进行监督。 — Art. 30: the subcontractor answers directly for paying its workers; the GC
supervises. The wage sheet itself goes to the GC only after the workers signed it (Art. 31, order.py).

Approval freezes the lines and (for monthly and supplementary payrolls) locks the month's attendance
(services.attendance.locks.lock_month) in the same transaction; every step is on the audit chain.
"""

from __future__ import annotations

from sqlalchemy import select, update

from models import db
from models.base import utcnow
from models.payroll import (
    PaymentStatus,
    Payroll,
    PayrollDeferral,
    PayrollKind,
    PayrollLine,
    PayrollStatus,
    SlipStatus,
)
from services import audit
from services.attendance.locks import lock_month
from services.authz import Action, may
from services.errors import Conflict, Forbidden, Unprocessable
from services.payroll.access import payroll_for, require_status
from services.payroll.build import compute, rebuild
from services.payroll.order import unsettled_lines

NOTIFY_JOB = "workers.payroll.notify_payslips"


def submit_payroll(actor_id: int, payroll_id: int) -> Payroll:
    """Rebuild (attendance may have moved since the slips went out) and submit; refused with blockers
    (a held worker's do not count) or while a slip is neither confirmed, released nor held."""
    payroll = payroll_for(actor_id, payroll_id, Action.PAYROLL_EMPLOYER)
    require_status(payroll, PayrollStatus.DRAFT, code="PAYROLL_NOT_DRAFT", message="只有草稿状态的工资表可以提交")
    payroll = rebuild(actor_id, payroll)
    held = set(db.session.execute(select(PayrollLine.user_id).where(
        PayrollLine.payroll_id == payroll.id, PayrollLine.slip_status == SlipStatus.HELD.value)).scalars())
    blockers = [b for b in payroll.blockers if b["user_id"] not in held]
    if blockers:
        raise Conflict("PAYROLL_BLOCKED", "还有未解决的问题，不能提交审批",
                       {"payroll_id": payroll.id, "blockers": blockers})
    waiting = unsettled_lines(payroll)
    if waiting:
        raise Conflict("PAYSLIPS_UNCONFIRMED", details={"payroll_id": payroll.id, "lines": waiting[:200],
                                                        "count": len(waiting)})
    payroll.status, payroll.submitted_by, payroll.submitted_at = PayrollStatus.SUBMITTED.value, actor_id, utcnow()
    db.session.flush()
    audit.record("payroll.submitted", actor_user_id=actor_id, object_type="payroll", object_id=payroll.id,
                 details={"month": payroll.month, "fingerprint": payroll.fingerprint,
                          "total_net_fen": payroll.total_net_fen, "lines": payroll.line_count})
    return payroll


def review_payroll(actor_id: int, payroll_id: int) -> Payroll:
    """Art. 28: the GC's labour manager reviews a subcontractor's submitted payroll before approval."""
    payroll = payroll_for(actor_id, payroll_id, Action.PAYROLL_REVIEW)
    require_status(payroll, PayrollStatus.SUBMITTED, code="PAYROLL_NOT_SUBMITTED")
    if not payroll.needs_review:
        raise Conflict("PAYROLL_NO_REVIEW", details={"payroll_id": payroll.id})
    if actor_id in (payroll.prepared_by, payroll.submitted_by):
        raise Forbidden("PAYROLL_SELF_REVIEW", details={"payroll_id": payroll.id})
    if compute(payroll).fingerprint != payroll.fingerprint:
        raise Conflict("PAYROLL_STALE", details={"payroll_id": payroll.id})
    payroll.status, payroll.reviewed_by, payroll.reviewed_at = PayrollStatus.REVIEWED.value, actor_id, utcnow()
    db.session.flush()
    audit.record("payroll.reviewed", actor_user_id=actor_id, object_type="payroll", object_id=payroll.id,
                 details={"month": payroll.month, "company_id": payroll.company_id,
                          "fingerprint": payroll.fingerprint, "total_net_fen": payroll.total_net_fen})
    return payroll


def _checker(actor_id: int, payroll_id: int, *, rejecting: bool = False) -> Payroll:
    payroll = db.session.get(Payroll, payroll_id)
    reviewer_rejects = (rejecting and payroll is not None and payroll.needs_review
                        and payroll.status == PayrollStatus.SUBMITTED.value
                        and may(actor_id, Action.PAYROLL_REVIEW, payroll.project_id))
    # the reviewer may send a subcontractor's payroll back; everyone else needs the approver's role
    payroll = payroll_for(actor_id, payroll_id, Action.PAYROLL_REVIEW if reviewer_rejects else Action.PAYROLL_APPROVE)
    require_status(payroll, PayrollStatus.SUBMITTED, PayrollStatus.REVIEWED, code="PAYROLL_NOT_SUBMITTED",
                   message="工资表尚未提交审批")
    if actor_id in (payroll.prepared_by, payroll.submitted_by) or (
            not reviewer_rejects and actor_id == payroll.reviewed_by):
        # four eyes: whoever built, submitted or reviewed it may not decide on it, whatever roles they hold
        raise Forbidden("PAYROLL_SELF_APPROVAL", "不能审批自己制作的工资表", {"payroll_id": payroll.id})
    if not rejecting and payroll.needs_review and payroll.status != PayrollStatus.REVIEWED.value:
        raise Conflict("PAYROLL_NOT_REVIEWED", details={"payroll_id": payroll.id, "company_id": payroll.company_id})
    return payroll


def approve_payroll(actor_id: int, payroll_id: int) -> Payroll:
    payroll = _checker(actor_id, payroll_id)
    if compute(payroll).fingerprint != payroll.fingerprint:
        raise Conflict("PAYROLL_STALE", "提交后考勤或扣款已变动，请退回后重新生成",
                       {"payroll_id": payroll.id})
    now = utcnow()
    payroll.status, payroll.decided_by, payroll.decided_at = PayrollStatus.APPROVED.value, actor_id, now
    if payroll.kind != PayrollKind.SETTLEMENT.value:
        # a settlement is paid mid-month: the other workers' days of the month stay open
        lock_month(payroll.project_id, payroll.month, actor_user_id=actor_id, reference=f"payroll:{payroll.id}")
    db.session.execute(update(PayrollLine).where(PayrollLine.payroll_id == payroll.id,
                                                 PayrollLine.slip_status == SlipStatus.HELD.value)
                       .values(payment_status=PaymentStatus.HELD.value))
    db.session.execute(update(PayrollLine).where(PayrollLine.payroll_id == payroll.id, PayrollLine.net_fen == 0,
                                                 PayrollLine.slip_status != SlipStatus.HELD.value)
                       .values(payment_status=PaymentStatus.NOTHING_DUE.value))
    paid_users = select(PayrollLine.user_id).where(PayrollLine.payroll_id == payroll.id)
    db.session.execute(update(PayrollDeferral).where(
        PayrollDeferral.project_id == payroll.project_id, PayrollDeferral.carried_to.is_(None),
        PayrollDeferral.month < payroll.month, PayrollDeferral.user_id.in_(paid_users)).values(carried_to=payroll.id))
    db.session.flush()
    audit.record("payroll.approved", actor_user_id=actor_id, object_type="payroll", object_id=payroll.id,
                 details={"month": payroll.month, "fingerprint": payroll.fingerprint,
                          "total_net_fen": payroll.total_net_fen, "lines": payroll.line_count})
    from infra import jobs

    jobs.enqueue(NOTIFY_JOB, payroll.id, queue="default", retry_max=3)
    return payroll


def reject_payroll(actor_id: int, payroll_id: int, reason: str) -> Payroll:
    payroll = _checker(actor_id, payroll_id, rejecting=True)
    payroll.status, payroll.decided_by, payroll.decided_at = PayrollStatus.REJECTED.value, actor_id, utcnow()
    payroll.rejection_reason = reason
    db.session.flush()
    audit.record("payroll.rejected", actor_user_id=actor_id, object_type="payroll", object_id=payroll.id,
                 details={"month": payroll.month, "reason": reason})
    return payroll


def defer_worker(actor_id: int, payroll_id: int, user_id: int, reason: str) -> Payroll:
    """Leave a worker (and their blockers) out of this month; a later payroll pays those days."""
    payroll = payroll_for(actor_id, payroll_id, Action.PAYROLL_EMPLOYER)
    require_status(payroll, PayrollStatus.DRAFT, PayrollStatus.REJECTED, code="PAYROLL_NOT_DRAFT",
                   message="只有草稿状态的工资表可以调整")
    listed = {b["user_id"] for b in payroll.blockers} | set(db.session.execute(select(PayrollLine.user_id).where(
        PayrollLine.payroll_id == payroll.id)).scalars())
    if user_id not in listed:
        raise Unprocessable("NOT_IN_PAYROLL", "该工人不在本月工资表中", {"user_id": user_id})
    already = db.session.execute(select(PayrollDeferral.id).where(
        PayrollDeferral.payroll_id == payroll.id, PayrollDeferral.user_id == user_id)).first()
    if already is None:
        db.session.add(PayrollDeferral(payroll_id=payroll.id, project_id=payroll.project_id, user_id=user_id,
                                       month=payroll.month, reason=reason, deferred_by=actor_id, created_at=utcnow()))
        db.session.flush()
        audit.record("payroll.worker_deferred", actor_user_id=actor_id, object_type="payroll", object_id=payroll.id,
                     details={"user_id": user_id, "reason": reason})
    return rebuild(actor_id, payroll)
