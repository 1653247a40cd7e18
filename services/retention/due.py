"""Which rows the retention table (policy.py) makes due, and when. Reads only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, select

from models import (
    Contract,
    EnrollmentDecision,
    IdentityVerification,
    Membership,
    MembershipStatus,
    Project,
    db,
)
from models.attendance import Clock, Dispute, DisputeStatus
from models.faces import FaceCheck, FaceEvidence, FaceTemplate
from models.payroll import Payroll, PayrollLine, PayrollStatus
from services.retention.policy import (
    CONTRACT_YEARS,
    PROJECT_YEARS,
    TEMPLATE_GRACE_DAYS,
    UNAPPROVED_ID_PHOTO_DAYS,
)

SETTLED_PAYMENTS = ("paid", "nothing_due")
CONTRACT_PURPOSE = "contract"  # services/contracts/signing.PURPOSE


@dataclass(frozen=True)
class Due:
    record_type: str
    row_id: int  # face_evidence / face_templates (the user id) / identity_verifications
    due_on: date | None  # None: not before the project is completed and its wages settled
    kept_because: str | None = None  # due, but a rule still needs it


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def project_expiry(project: Project) -> date | None:
    """PROJECT_YEARS after the later of completion and settlement: the day payroll keeps its records
    until (issue 25's ``payroll_records_kept_until``), so attendance and its images go no earlier."""
    if project.completed_on is None or project.wages_settled_on is None:
        return None
    return years_after(max(project.completed_on, project.wages_settled_on), PROJECT_YEARS)


def _still_needed(project_id: int, user_id: int, day: date) -> str | None:
    """A clock photo a wage dispute or a payroll not yet paid out still needs."""
    disputed = db.session.execute(select(Dispute.id).where(
        Dispute.project_id == project_id, Dispute.user_id == user_id, Dispute.business_date == day,
        Dispute.status == DisputeStatus.OPEN.value).limit(1)).first()
    if disputed:
        return "open_dispute"
    # a month may have several payrolls (one per employer, settlements): any not yet approved may
    # still hold the worker; an approved one needs the photo until the worker's line is paid
    month = day.strftime("%Y-%m")
    statuses = db.session.execute(select(Payroll.status).where(Payroll.project_id == project_id,
                                                               Payroll.month == month)).scalars().all()
    if any(s != PayrollStatus.APPROVED.value for s in statuses):
        return "payroll_pending"
    unpaid = db.session.execute(select(PayrollLine.id).join(Payroll, Payroll.id == PayrollLine.payroll_id).where(
        Payroll.project_id == project_id, Payroll.month == month, PayrollLine.user_id == user_id,
        PayrollLine.payment_status.not_in(SETTLED_PAYMENTS)).limit(1)).first()
    return "payroll_unpaid" if unpaid else None  # none at all: settled outside, as wages_settled_on says


def clock_photos() -> Iterator[Due]:
    for project in db.session.execute(select(Project)).scalars():
        expiry = project_expiry(project)
        rows = db.session.execute(select(FaceEvidence.id, Clock.user_id, Clock.business_date).join(
            Clock, Clock.face_check_id == FaceEvidence.check_id).where(
            Clock.project_id == project.id, FaceEvidence.photo_object_id.is_not(None))).all()
        for evidence_id, user_id, day in rows:
            kept = _still_needed(project.id, user_id, day) if expiry is not None else None
            yield Due("clock_photo", evidence_id, expiry, kept)


def contract_photos() -> Iterator[Due]:
    rows = db.session.execute(select(FaceEvidence.id, Contract.termination_date).join(
        FaceCheck, FaceCheck.id == FaceEvidence.check_id).join(
        Contract, and_(FaceCheck.purpose == CONTRACT_PURPOSE, Contract.id == FaceCheck.purpose_id)).where(
        FaceEvidence.photo_object_id.is_not(None))).all()
    for evidence_id, ended in rows:
        yield Due("contract_photo", evidence_id, years_after(ended, CONTRACT_YEARS) if ended else None)


def face_templates() -> Iterator[Due]:
    """Per worker: due a grace period after they left their last project (no pending or active role)."""
    holders = db.session.execute(select(FaceTemplate.user_id, func.max(FaceTemplate.created_at))
                                 .group_by(FaceTemplate.user_id)).all()
    for user_id, enrolled_at in holders:
        current = db.session.execute(select(Membership.id).where(
            Membership.user_id == user_id, Membership.status.in_(
                (MembershipStatus.PENDING.value, MembershipStatus.ACTIVE.value))).limit(1)).first()
        if current:
            yield Due("face_template", user_id, None)
            continue
        ended = db.session.execute(select(func.max(Contract.termination_date)).where(Contract.user_id == user_id)
                                   ).scalar_one_or_none()
        decided = db.session.execute(select(func.max(EnrollmentDecision.decided_at)).join(
            Membership, Membership.id == EnrollmentDecision.membership_id).where(Membership.user_id == user_id)
        ).scalar_one_or_none()
        # left: their last contract ended, or their last application was decided; else since the enrollment
        known = [d for d in (ended, decided.date() if decided else None) if d is not None]
        last = max(known) if known else enrolled_at.date()
        yield Due("face_template", user_id, last + timedelta(days=TEMPLATE_GRACE_DAYS))


def id_card_photos() -> Iterator[Due]:
    rows = db.session.execute(select(IdentityVerification).where(
        IdentityVerification.document_photo_object_id.is_not(None))).scalars().all()
    for row in rows:
        approved = db.session.execute(select(func.min(EnrollmentDecision.decided_at)).join(
            Membership, Membership.id == EnrollmentDecision.membership_id).where(
            Membership.user_id == row.user_id, EnrollmentDecision.decision == "approved",
            EnrollmentDecision.decided_at >= row.created_at)).scalar_one_or_none()
        due = approved.date() if approved else row.created_at.date() + timedelta(days=UNAPPROVED_ID_PHOTO_DAYS)
        yield Due("id_card_photo", row.id, due)


def everything() -> Iterator[Due]:
    yield from clock_photos()
    yield from contract_photos()
    yield from face_templates()
    yield from id_card_photos()
