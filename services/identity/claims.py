"""The worker binds their own WeChat to the account the labour manager made for them.

The caller has just logged in (an empty account of their own). With a valid one-time code the
enrolled account takes the caller's openid and the empty one is retired, so from then on
``wx.login`` signs the worker into everything recorded for them: profile, membership, contract,
attendance, payslips."""

from __future__ import annotations

from sqlalchemy import select

from models import ClaimCode, Membership, User, WorkerProfile, db
from models.base import utcnow
from services import audit, pii
from services.auth import IssuedToken, issue_token
from services.errors import Conflict, Unprocessable
from services.identity.onsite import claim_code_bidx


def claim(actor_id: int, code: str) -> tuple[User, IssuedToken]:
    now = utcnow()
    row = db.session.execute(select(ClaimCode).where(ClaimCode.code_bidx == claim_code_bidx(code))
                             .with_for_update()).scalar_one_or_none()
    if row is None or row.used_at is not None or row.expires_at <= now:
        audit.record("identity.claim_refused", actor_user_id=actor_id, object_type="user", object_id=actor_id)
        raise Unprocessable("CLAIM_CODE_INVALID")
    caller, enrolled = db.session.get(User, actor_id), db.session.get(User, row.user_id)
    assert caller is not None and enrolled is not None
    has_profile = db.session.execute(select(WorkerProfile.id).where(WorkerProfile.user_id == actor_id)).first()
    has_membership = db.session.execute(select(Membership.id).where(Membership.user_id == actor_id)).first()
    if has_profile or has_membership or actor_id == enrolled.id:
        raise Conflict("CLAIM_ACCOUNT_NOT_EMPTY")
    openid = caller.openid
    caller.openid, caller.token_version = f"claimed:{caller.id}", caller.token_version + 1
    db.session.flush()  # the openid is unique: free it before the enrolled account takes it
    enrolled.openid, enrolled.unionid = openid, caller.unionid
    enrolled.session_key_enc = None  # bound to the other row; the next wx.login sets it again
    enrolled.last_login_at = now
    row.used_at, row.used_by_openid_bidx = now, pii.blind_index(openid, kind="openid")
    db.session.flush()
    audit.record("identity.claimed", actor_user_id=enrolled.id, object_type="user", object_id=enrolled.id,
                 details={"retired_user_id": caller.id, "claim_code_id": row.id})
    return enrolled, issue_token(enrolled)
