"""The labour manager's review of applications: completeness, approve (a contract is generated), reject."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select

from models import (
    Contract,
    EnrollmentDecision,
    IdentityVerification,
    Membership,
    MembershipStatus,
    Role,
    Team,
    User,
    WorkerProfile,
    db,
)
from models.base import utcnow
from models.faces import FaceTemplate, TemplateStatus
from services import audit, contracts
from services.authz import Action, authorize, refuse_own
from services.consents import missing_consents
from services.days import business_day
from services.enrollment import identity
from services.enrollment.cards import card_flags
from services.enrollment.profile import birth_date_of, find_profile, missing_items, reveal_field
from services.enrollment.rules import rules_for
from services.errors import Conflict, NotFound, Unprocessable
from services.identity.paths import FACE, NON_FACE, approval_consents, identity_methods, path_of
from services.identity.verification import current_verification
from services.pagination import Page, Paged, paged_rows

LIST_STATUSES = ("pending", "active", "rejected", "left")


@dataclass
class Completeness:
    profile_missing: list[str]
    consents_missing: list[str]
    face_enrolled: bool
    team_chosen: bool
    flags: list[str] = field(default_factory=list)
    identity: IdentityVerification | None = None
    path: str = FACE  # face | non_face (services/identity/paths.py)

    @property
    def missing(self) -> list[str]:
        items = [f"profile.{m}" if m != "profile" else "profile" for m in self.profile_missing]
        items += [f"consent.{k}" for k in self.consents_missing]
        if self.identity is None:
            items.append("identity")
        if not self.face_enrolled and self.path == FACE:
            items.append("face")
        if not self.team_chosen:
            items.append("team")
        return items


@dataclass
class Application:
    membership: Membership
    user: User
    profile: WorkerProfile | None
    team: Team | None
    completeness: Completeness
    reject_reason: str | None
    contract: Contract | None = None  # the newest; its kind (劳动合同 / 用工书面协议) and why


def face_enrolled(user_id: int) -> bool:
    return db.session.execute(select(FaceTemplate.id).where(
        FaceTemplate.user_id == user_id, FaceTemplate.status == TemplateStatus.ACTIVE.value).limit(1)
    ).first() is not None


def age_flags(profile: WorkerProfile | None, project_id: int) -> list[str]:
    """Over the project's upper age limit: flagged for the labour manager to look at, not refused."""
    if profile is None:
        return []
    rules = rules_for(project_id)
    limit = rules.max_age_male if profile.sex == "male" else rules.max_age_female
    return ["AGE_OVER_LIMIT"] if identity.age_on(birth_date_of(profile), business_day()) > limit else []


def completeness(membership: Membership, user: User, profile: WorkerProfile | None) -> Completeness:
    """What approval needs, by the worker's path: the face path needs the four consents and an enrolled
    face; the non-face path neither the biometric nor the location consent nor a face. Both need the
    identity verified (services/identity/verification.py)."""
    path = path_of(user.id)
    return Completeness(
        profile_missing=missing_items(profile, user),
        consents_missing=missing_consents(user.id, approval_consents(path)),
        face_enrolled=face_enrolled(user.id),
        team_chosen=membership.team_id is not None,
        flags=age_flags(profile, membership.project_id) + card_flags(user.id),
        identity=current_verification(user.id, profile, identity_methods(path)) if profile is not None else None,
        path=path,
    )


def _last_reason(membership_id: int) -> str | None:
    return db.session.execute(select(EnrollmentDecision.reason).where(
        EnrollmentDecision.membership_id == membership_id).order_by(EnrollmentDecision.id.desc()).limit(1)
    ).scalar_one_or_none()


def _application(membership: Membership) -> Application:
    user = db.session.get(User, membership.user_id)
    assert user is not None
    profile = find_profile(user.id)
    team = db.session.get(Team, membership.team_id) if membership.team_id else None
    reason = _last_reason(membership.id) if membership.status == MembershipStatus.REJECTED.value else None
    contract = db.session.execute(select(Contract).where(Contract.membership_id == membership.id)
                                  .order_by(Contract.id.desc()).limit(1)).scalar_one_or_none()
    return Application(membership, user, profile, team, completeness(membership, user, profile), reason, contract)


def list_applications(actor_id: int, project_id: int, status: str | None, page: Page = Page()
                      ) -> Paged[Application]:
    authorize(actor_id, Action.ENROLLMENT_REVIEW, project_id)
    query = select(Membership).where(Membership.project_id == project_id, Membership.role == Role.WORKER.value)
    if status is not None:  # one of LIST_STATUSES (the schema refuses others)
        query = query.where(Membership.status == status)
    rows = paged_rows(query, Membership.id, page)
    return Paged([_application(m) for (m,) in rows.items], rows.next_after)


def worker_membership(membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.role != Role.WORKER.value:
        raise NotFound("ENROLLMENT_NOT_FOUND")
    return membership


def _decide(actor_id: int, membership_id: int) -> Membership:
    membership = worker_membership(membership_id)
    authorize(actor_id, Action.ENROLLMENT_REVIEW, membership.project_id)
    refuse_own(actor_id, membership.user_id, "ENROLLMENT_SELF_REVIEW", membership_id=membership.id)
    # two reviewers at once: the second waits here, then finds it decided (one contract, not two)
    db.session.execute(select(Membership.id).where(Membership.id == membership.id).with_for_update())
    db.session.refresh(membership)
    if membership.status != MembershipStatus.PENDING.value:
        raise Conflict("ENROLLMENT_NOT_PENDING", details={"status": membership.status})
    return membership


def approve(actor_id: int, membership_id: int) -> Application:
    """Approve a complete application; the labour contract is generated at once, ready to sign."""
    membership = _decide(actor_id, membership_id)
    app = _application(membership)
    missing = app.completeness.missing
    if missing:
        raise Unprocessable("ENROLLMENT_INCOMPLETE", details={"missing": missing})
    membership.status = MembershipStatus.ACTIVE.value
    flags = app.completeness.flags + (["NON_FACE_PATH"] if app.completeness.path == NON_FACE else [])
    db.session.add(EnrollmentDecision(membership_id=membership.id, decision="approved", decided_by=actor_id,
                                      flags=",".join(flags) or None, decided_at=utcnow()))
    db.session.flush()
    audit.record("enrollment.approved", actor_user_id=actor_id, object_type="membership",
                 object_id=membership.id, details={"user_id": membership.user_id, "flags": flags})
    app.contract = contracts.generate_contract(actor_id, membership.id, contract_party(app, actor_id))
    return app


def contract_party(app: Application, actor_id: int) -> contracts.WorkerParty:
    """The worker as the contract names them (《劳动合同法》第十七条（二）: name, 住址, full ID number).
    Each clear value is an audited reveal; only the masked copies appear in lists."""
    profile = app.profile
    assert profile is not None
    purpose = f"contract:{app.membership.project_id}"

    def clear(field: str) -> str:
        return reveal_field(profile, field, actor_id=actor_id, purpose=purpose) or ""

    contact = clear("emergency_contact")
    phone = clear("phone") if profile.phone_enc is not None else ""
    card = f"{profile.bank_name or ''} 尾号{profile.bank_card_last4}" if profile.bank_card_last4 else ""
    return contracts.WorkerParty(
        clear("name"), profile.name_masked, profile.id_number_masked,
        profile.phone_masked or app.user.phone_masked or "", profile.trade,
        id_number=clear("id_number"), sex=profile.sex, birth_date=birth_date_of(profile),
        address=clear("address") if profile.address_enc is not None else "", phone=phone,
        emergency=json.loads(contact) if contact else {}, wage_card=card.strip(),
        draws_pension=profile.draws_pension)


def reject(actor_id: int, membership_id: int, reason: str) -> Application:
    membership = _decide(actor_id, membership_id)
    membership.status = MembershipStatus.REJECTED.value
    db.session.add(EnrollmentDecision(membership_id=membership.id, decision="rejected", reason=reason,
                                      decided_by=actor_id, decided_at=utcnow()))
    db.session.flush()
    audit.record("enrollment.rejected", actor_user_id=actor_id, object_type="membership",
                 object_id=membership.id, details={"user_id": membership.user_id, "reason": reason})
    return _application(membership)


