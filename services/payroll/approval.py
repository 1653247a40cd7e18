"""Maker-checker: the labour manager prepares and submits, a payroll approver who is not the
preparer approves or sends it back. Approval freezes the lines and locks the month's attendance
(services.attendance.locks.lock_month) in the same transaction; every step is on the audit chain.
"""

from __future__ import annotations

from sqlalchemy import select, update

from models import db
from models.base import utcnow
from models.payroll import PaymentStatus, Payroll, PayrollDeferral, PayrollLine, PayrollStatus
from services import audit
from services.attendance.locks import lock_for_approval, lock_month
from services.authz import Action, refuse_own
from services.errors import Conflict, Forbidden, Unprocessable
from services.payroll.access import payroll_for, require_status
from services.payroll.bank import freeze_payees
from services.payroll.build import build_payroll, compute

NOTIFY_JOB = "workers.payroll.notify_payslips"


def submit_payroll(actor_id: int, payroll_id: int) -> Payroll:
    """Rebuild (attendance may have moved since the draft was read) and submit; refused with blockers."""
    payroll = payroll_for(actor_id, payroll_id, Action.PAYROLL_PREPARE)
    require_status(payroll, PayrollStatus.DRAFT, code="PAYROLL_NOT_DRAFT", message="只有草稿状态的工资表可以提交")
    payroll = build_payroll(actor_id, payroll.project_id, payroll.month)
    if payroll.blockers:
        raise Conflict("PAYROLL_BLOCKED", "还有未解决的问题，不能提交审批",
                       {"payroll_id": payroll.id, "blockers": payroll.blockers})
    payroll.status, payroll.submitted_by, payroll.submitted_at = PayrollStatus.SUBMITTED.value, actor_id, utcnow()
    db.session.flush()
    audit.record("payroll.submitted", actor_user_id=actor_id, object_type="payroll", object_id=payroll.id,
                 details={"month": payroll.month, "fingerprint": payroll.fingerprint,
                          "total_net_fen": payroll.total_net_fen, "lines": payroll.line_count})
    return payroll


def _checker(actor_id: int, payroll_id: int) -> Payroll:
    payroll = payroll_for(actor_id, payroll_id, Action.PAYROLL_APPROVE)
    require_status(payroll, PayrollStatus.SUBMITTED, code="PAYROLL_NOT_SUBMITTED", message="工资表尚未提交审批")
    if actor_id in (payroll.prepared_by, payroll.submitted_by):
        # four eyes: whoever built or submitted it may not decide on it, whatever roles they hold
        raise Forbidden("PAYROLL_SELF_APPROVAL", "不能审批自己制作的工资表", {"payroll_id": payroll.id})
    refuse_own(actor_id, set(db.session.execute(select(PayrollLine.user_id).where(
        PayrollLine.payroll_id == payroll.id)).scalars()), "PAYROLL_OWN_LINE", payroll_id=payroll.id)
    return payroll


def approve_payroll(actor_id: int, payroll_id: int) -> Payroll:
    payroll = _checker(actor_id, payroll_id)
    lock_for_approval(payroll.project_id)  # late clocks in flight finish first; the fingerprint then sees them
    if compute(payroll).fingerprint != payroll.fingerprint:
        raise Conflict("PAYROLL_STALE", "提交后考勤或扣款已变动，请退回后重新生成",
                       {"payroll_id": payroll.id})
    now = utcnow()
    payroll.status, payroll.decided_by, payroll.decided_at = PayrollStatus.APPROVED.value, actor_id, now
    lock_month(payroll.project_id, payroll.month, actor_user_id=actor_id, reference=f"payroll:{payroll.id}")
    freeze_payees(payroll)
    db.session.execute(update(PayrollLine).where(PayrollLine.payroll_id == payroll.id, PayrollLine.net_fen == 0)
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
    payroll = _checker(actor_id, payroll_id)
    payroll.status, payroll.decided_by, payroll.decided_at = PayrollStatus.REJECTED.value, actor_id, utcnow()
    payroll.rejection_reason = reason
    db.session.flush()
    audit.record("payroll.rejected", actor_user_id=actor_id, object_type="payroll", object_id=payroll.id,
                 details={"month": payroll.month, "reason": reason})
    return payroll


def defer_worker(actor_id: int, payroll_id: int, user_id: int, reason: str) -> Payroll:
    """Leave a worker (and their blockers) out of this month; a later payroll pays those days."""
    payroll = payroll_for(actor_id, payroll_id, Action.PAYROLL_PREPARE)
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
    return build_payroll(actor_id, payroll.project_id, payroll.month)
