"""Who may start which face check: the rules that keep liveness from being downgraded and
templates from being replaced at will, and the labour manager's side of them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select

from models import Membership, MembershipStatus, Role, db
from models.base import utcnow
from models.face_approvals import FaceReenrollment
from models.faces import FaceCheck, FaceCheckKind, FaceCheckStatus, FaceTemplate, TemplateStatus
from services import audit
from services.authz import Action, authorize, memberships_in
from services.errors import Forbidden, NotFound, Unprocessable

# A clock-in or a signature is for one project, and that project's liveness mode applies:
# without a project the check would silently fall back to passive.
PROJECT_KINDS = {FaceCheckKind.CLOCK.value, FaceCheckKind.CONTRACT.value}
REENROLL_APPROVAL_TTL = timedelta(days=3)


def _is_approved_worker(user_id: int) -> bool:
    return db.session.execute(select(Membership.id).where(
        Membership.user_id == user_id, Membership.role == Role.WORKER.value,
        Membership.status == MembershipStatus.ACTIVE.value).limit(1)).first() is not None


def _is_enrolled(user_id: int) -> bool:
    return db.session.execute(select(FaceTemplate.id).where(
        FaceTemplate.user_id == user_id, FaceTemplate.status == TemplateStatus.ACTIVE.value).limit(1)
    ).first() is not None


def usable_reenrollment(user_id: int) -> FaceReenrollment | None:
    """An unexpired approval not yet spent: unused, or used by a check that did not pass."""
    spent = select(FaceCheck.id).where(FaceCheck.id == FaceReenrollment.check_id,
                                       FaceCheck.status.in_([FaceCheckStatus.PASSED.value,
                                                             FaceCheckStatus.PENDING.value]))
    return db.session.execute(
        select(FaceReenrollment).where(
            FaceReenrollment.user_id == user_id, FaceReenrollment.expires_at > utcnow(),
            or_(FaceReenrollment.check_id.is_(None), ~spent.exists()))
        .order_by(FaceReenrollment.id).limit(1)
    ).scalar_one_or_none()


def admit_face_check(user_id: int, kind: str, project_id: int | None, *,
                     memberships: list[Membership] | None = None) -> FaceReenrollment | None:
    """Refuse a check the caller may not start; returns the approval a re-enrollment will use.
    ``memberships``: the caller's active ones in the project, if already read."""
    if kind in PROJECT_KINDS and project_id is None:
        raise Unprocessable("PROJECT_REQUIRED", details={"kind": kind})
    if project_id is not None:
        # active members only: a pending applicant may enroll (without a project), not clock in
        authorize(user_id, Action.FACE_CHECK, project_id, subject_user_id=user_id, memberships=memberships)
    if kind != FaceCheckKind.ENROLL or not (_is_approved_worker(user_id) and _is_enrolled(user_id)):
        return None
    approval = usable_reenrollment(user_id)
    if approval is None:
        raise Forbidden("REENROLL_NEEDS_APPROVAL")
    return approval


def link_reenrollment(approval: FaceReenrollment | None, check_id: int) -> None:
    if approval is not None:
        approval.check_id = check_id
        db.session.flush()


def approve_reenrollment(actor_id: int, project_id: int, user_id: int) -> FaceReenrollment:
    """The labour manager lets a worker of their project replace the face template (audited)."""
    authorize(actor_id, Action.FACE_REENROLL_APPROVE, project_id)
    worker = db.session.execute(select(Membership.id).where(
        Membership.project_id == project_id, Membership.user_id == user_id, Membership.role == Role.WORKER.value,
        Membership.status != MembershipStatus.LEFT.value)).first()
    if worker is None:
        raise NotFound("MEMBER_NOT_FOUND", "该用户不是本项目的工人")
    now = utcnow()
    approval = FaceReenrollment(user_id=user_id, project_id=project_id, approved_by=actor_id, approved_at=now,
                                expires_at=now + REENROLL_APPROVAL_TTL)
    db.session.add(approval)
    db.session.flush()
    audit.record("face.reenroll_approved", actor_user_id=actor_id, object_type="user", object_id=user_id,
                 details={"project_id": project_id, "approval_id": approval.id})
    return approval


def review_face_check(actor_id: int, project_id: int, check_id: int) -> FaceCheck:
    """A check with its scores, for the labour manager or admin of the project it belongs to."""
    authorize(actor_id, Action.FACE_RESULT_REVIEW, project_id)
    check = db.session.get(FaceCheck, check_id)
    in_project = check is not None and (
        check.project_id == project_id
        or (check.project_id is None and bool(memberships_in(check.user_id, project_id))))
    if check is None or not in_project:
        raise NotFound("FACE_CHECK_NOT_FOUND")
    return check
