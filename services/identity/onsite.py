"""Enrollment without a smartphone: the labour manager enrolls the worker in person.

《保障农民工工资支付条例》 第二十八条 puts real-name registration on the contractor ("施工总承包单位或者
分包单位应当依法与所招用的农民工订立劳动合同并进行用工实名登记"): a worker without a smartphone is
registered by the labour manager. Every step names who did it (audit entries with the labour manager
as actor and the worker as subject):
- the worker and a pending membership (profile validated as the worker's own would be);
- each consent as a paper form the worker signed, with the form's photo (encrypted, row-bound);
- identity on site (services/identity/verification.py), the signature witnessed
  (services/contracts/witness.py);
- a one-time claim code, with which the worker later binds their own WeChat (services/identity/claims.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from models import ClaimCode, Consent, Membership, MembershipStatus, Role, Team, User, WorkerProfile, db
from models.base import utcnow
from models.faces import FaceCheck, FaceCheckKind
from services import audit, pii
from services.authz import Action, authorize, memberships_in
from services.consents import grant_consent
from services.enrollment.profile import ProfileInput, store_profile
from services.errors import Forbidden, NotFound, Unprocessable
from services.faces.checks import start_face_check
from services.identity.photos import check_photo, store_photo
from services.storage import objects

CLAIM_TTL = timedelta(days=30)
CLAIM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on a phone
CLAIM_LENGTH = 8


@dataclass(frozen=True)
class OnSiteEnrollment:
    user: User
    membership: Membership
    profile: WorkerProfile
    claim_code: str
    claim_expires_at: datetime


def claim_code_bidx(code: str) -> str:
    return pii.blind_index(code.strip().upper(), kind="claim_code")


def new_claim_code(actor_id: int, user_id: int) -> tuple[str, datetime]:
    """A fresh one-time code; the code is shown once and only its blind index is kept."""
    code = "".join(secrets.choice(CLAIM_ALPHABET) for _ in range(CLAIM_LENGTH))
    expires = utcnow() + CLAIM_TTL
    row = ClaimCode(user_id=user_id, code_bidx=claim_code_bidx(code), created_by=actor_id, expires_at=expires)
    db.session.add(row)
    db.session.flush()
    audit.record("identity.claim_code_issued", actor_user_id=actor_id, object_type="user", object_id=user_id,
                 details={"claim_code_id": row.id, "expires_at": expires.isoformat()})
    return code, expires


def enroll_on_site(actor_id: int, project_id: int, data: ProfileInput, team_id: int) -> OnSiteEnrollment:
    """The worker's account (no WeChat yet), their profile and a pending membership in one go."""
    authorize(actor_id, Action.IDENTITY_VERIFY, project_id)
    team = db.session.get(Team, team_id)
    if team is None or team.project_id != project_id:
        raise Unprocessable("TEAM_NOT_IN_PROJECT")
    # an openid no WeChat login can produce: the account is reachable only through its claim code
    user = User(openid=f"onsite:{secrets.token_hex(16)}")
    db.session.add(user)
    db.session.flush()
    profile = store_profile(actor_id, user, data, on_site=True)
    membership = Membership(project_id=project_id, user_id=user.id, role=Role.WORKER.value, team_id=team_id,
                            status=MembershipStatus.PENDING.value)
    db.session.add(membership)
    db.session.flush()
    audit.record("identity.enrolled_on_site", actor_user_id=actor_id, object_type="membership",
                 object_id=membership.id, details={"user_id": user.id, "project_id": project_id, "team_id": team_id})
    code, expires = new_claim_code(actor_id, user.id)
    return OnSiteEnrollment(user, membership, profile, code, expires)


def _worker_here(actor_id: int, project_id: int, user_id: int) -> None:
    authorize(actor_id, Action.IDENTITY_VERIFY, project_id)
    if actor_id == user_id:
        raise Forbidden()  # one's own consent is one's own act, in one's own app
    if not memberships_in(user_id, project_id):
        raise NotFound("MEMBER_NOT_FOUND")


def record_paper_consent(actor_id: int, project_id: int, user_id: int, *, kind: str, version: str,
                         form_photo: bytes) -> Consent:
    """A consent the worker gave on a signed paper form; the same consent record as the app's
    (services/consents.py decides what counts), plus who recorded it and the form's photo."""
    _worker_here(actor_id, project_id, user_id)
    check_photo(form_photo, "form_photo")
    consent = grant_consent(user_id, kind, version)
    consent.method, consent.recorded_by = "paper", actor_id
    previous = consent.form_photo_object_id  # the same consent recorded again: its newer form photo replaces it
    consent.form_photo_object_id = store_photo(form_photo, "consents", "form_photo_enc", consent.id)
    db.session.flush()
    objects.discard([previous])
    audit.record("consent.recorded_on_paper", actor_user_id=actor_id, object_type="consent", object_id=consent.id,
                 details={"user_id": user_id, "kind": kind, "version": version, "project_id": project_id})
    return consent


def reissue_claim_code(actor_id: int, project_id: int, user_id: int) -> tuple[str, datetime]:
    _worker_here(actor_id, project_id, user_id)
    user = db.session.get(User, user_id)
    if user is None or not user.openid.startswith("onsite:"):
        raise NotFound("MEMBER_NOT_FOUND")  # an account already bound to WeChat has nothing to claim
    return new_claim_code(actor_id, user_id)


def enroll_face_on_site(actor_id: int, project_id: int, user_id: int, frames: list[bytes]) -> FaceCheck:
    """The worker's face taken on the labour manager's phone, when the worker consented (the face
    check itself refuses without the worker's biometric consent, as it would on their own phone)."""
    _worker_here(actor_id, project_id, user_id)
    check = start_face_check(user_id, FaceCheckKind.ENROLL.value, frames)
    audit.record("face.enrolled_on_site", actor_user_id=actor_id, object_type="face_check", object_id=check.id,
                 details={"user_id": user_id, "project_id": project_id})
    return check
