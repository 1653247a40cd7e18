"""Login with WeChat, bearer tokens, the caller's own profile."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Row, and_, bindparam, null, select, type_coerce, union_all

from models import Consent, Membership, MembershipStatus, Project, Team, User, db
from models.base import UTCDateTime, utcnow
from services import audit, pii, wechat
from services.errors import NotFound, Unauthenticated
from services.settings import settings

TOKEN_SALT = "siteroll.bearer.v1"


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_in: int


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings().secret_key, salt=TOKEN_SALT)


def issue_token(user: User) -> IssuedToken:
    token = _serializer().dumps({"uid": user.id, "tv": user.token_version})
    return IssuedToken(token, settings().token_ttl_seconds)


def user_id_from_token(token: str) -> tuple[int, int]:
    """(user id, token version) from a signed token; no database read."""
    try:
        data = _serializer().loads(token, max_age=settings().token_ttl_seconds)
    except SignatureExpired as exc:
        raise Unauthenticated("TOKEN_EXPIRED") from exc
    except BadSignature as exc:
        raise Unauthenticated("TOKEN_INVALID") from exc
    return int(data["uid"]), int(data["tv"])


class MembershipRow(NamedTuple):
    id: int
    project_id: int
    project_name: str
    role: str
    team_id: int | None
    team_name: str | None
    status: str


class ConsentRow(NamedTuple):
    kind: str
    version: str
    granted_at: datetime


@dataclass(frozen=True)
class Caller:
    """The signed-in user as every request needs them: who, and what /me shows of them.
    ``memberships`` (not left) and standing ``consents`` only when the route asked for its
    profile with the token check (``@with_profile``)."""

    id: int
    display_name: str | None
    phone_masked: str | None
    memberships: tuple[MembershipRow, ...] | None = None
    consents: tuple[ConsentRow, ...] | None = None


# Built once: every request runs one of these, and building a statement costs more than the lookup.
_CALLER_COLUMNS = (User.id, User.token_version, User.display_name, User.phone_masked)
_MEMBERSHIP_COLUMNS = (Membership.id.label("membership_id"), Membership.project_id,
                       Project.name.label("project_name"), Membership.role, Membership.team_id,
                       Team.name.label("team_name"), Membership.status)
_CALLER = select(*_CALLER_COLUMNS).where(User.id == bindparam("uid"))
# The user's profile (/me, which every app start and resume calls; also the answer of login and of
# the /me writes): the user, the memberships and the consents in one round trip, with the token check
# when it is also the authentication. Two kinds of rows in one result: the user's row once per
# membership (or once, without), then one per standing consent; each kind leaves the other's columns NULL.
_NO_CONSENT = (null().label("consent_id"), null().label("consent_kind"), null().label("consent_version"),
               type_coerce(null(), UTCDateTime()).label("granted_at"))
_NO_MEMBERSHIP = tuple(null().label(c.key) for c in _MEMBERSHIP_COLUMNS)
_CALLER_WITH_PROFILE = union_all(
    select(*_CALLER_COLUMNS, *_MEMBERSHIP_COLUMNS, *_NO_CONSENT).select_from(User)
    .outerjoin(Membership, and_(Membership.user_id == User.id, Membership.status != MembershipStatus.LEFT.value))
    .outerjoin(Project, Project.id == Membership.project_id)
    .outerjoin(Team, Team.id == Membership.team_id)
    .where(User.id == bindparam("uid")),
    select(*_CALLER_COLUMNS, *_NO_MEMBERSHIP, Consent.id, Consent.kind, Consent.version, Consent.granted_at)
    .join(Consent, Consent.user_id == User.id)
    .where(User.id == bindparam("uid"), Consent.withdrawn_at.is_(None)),
)


def authenticate(token: str, *, with_profile: bool = False) -> Caller:
    """The token's user, if the token is still theirs (logout-all bumps the version): one indexed read."""
    uid, version = user_id_from_token(token)
    rows = db.session.connection().execute(_CALLER_WITH_PROFILE if with_profile else _CALLER, {"uid": uid}).all()
    if not rows or rows[0].token_version != version:
        raise Unauthenticated("TOKEN_REVOKED")
    first = rows[0]
    if not with_profile:
        return Caller(first.id, first.display_name, first.phone_masked)
    return Caller(first.id, first.display_name, first.phone_masked, *_profile(rows))


def profile(user_id: int) -> tuple[tuple[MembershipRow, ...], tuple[ConsentRow, ...]]:
    """The user's memberships (not left, with project and team names) and standing consents."""
    return _profile(db.session.connection().execute(_CALLER_WITH_PROFILE, {"uid": user_id}).all())


def _profile(rows: Sequence[Row]) -> tuple[tuple[MembershipRow, ...], tuple[ConsentRow, ...]]:
    # sorted here: a handful of rows, and ORDER BY would cost MariaDB a temporary table per request
    memberships = sorted((MembershipRow(r.membership_id, r.project_id, r.project_name, r.role, r.team_id,
                                        r.team_name, r.status) for r in rows if r.membership_id is not None),
                         key=lambda m: (m.project_id, m.id))
    consents = sorted((r for r in rows if r.consent_id is not None), key=lambda r: r.consent_id)
    return tuple(memberships), tuple(ConsentRow(r.consent_kind, r.consent_version, r.granted_at) for r in consents)


def login_with_wechat(code: str) -> tuple[User, IssuedToken]:
    """wx.login code -> openid + session_key (kept encrypted) -> our user and a bearer token."""
    session = wechat.code_to_session(code)
    openid = session["openid"]
    user = db.session.execute(select(User).where(User.openid == openid)).scalar_one_or_none()
    if user is None:
        user = User(openid=openid)
        db.session.add(user)
        db.session.flush()  # the id binds the session key's ciphertext to this row
    if session.get("unionid"):
        user.unionid = session["unionid"]
    if session.get("session_key"):
        user.session_key_enc = pii.encrypt_str(session["session_key"], context=session_key_context(user))
    user.last_login_at = utcnow()
    db.session.flush()
    audit.record("auth.login", actor_user_id=user.id, object_type="user", object_id=user.id)
    return user, issue_token(user)


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("USER_NOT_FOUND")
    return user


def bind_phone(actor_id: int, phone_code: str) -> User:
    """getPhoneNumber code -> the phone WeChat verified, stored encrypted with a blind index."""
    phone = wechat.phone_number(phone_code)
    user = _user(actor_id)
    user.phone_enc = pii.encrypt_str(phone, context=phone_context(user))
    user.phone_masked = pii.mask_phone(phone)
    user.phone_bidx = pii.blind_index(phone, kind="phone")
    db.session.flush()
    audit.record("user.phone_bound", actor_user_id=user.id, object_type="user", object_id=user.id)
    return user


def reveal_own_phone(actor_id: int) -> str | None:
    return reveal_phone(_user(actor_id), actor_id=actor_id, purpose="self")


def reveal_phone(subject: User, *, actor_id: int, purpose: str) -> str | None:
    if subject.phone_enc is None:
        return None
    return pii.reveal(subject.phone_enc, actor_user_id=actor_id, field="phone", object_type="user",
                      object_id=subject.id, purpose=purpose, context=phone_context(subject))


def phone_context(user: User) -> str:
    return pii.row_context("users", "phone_enc", user.id)


def session_key_context(user: User) -> str:
    return pii.row_context("users", "session_key_enc", user.id)


def logout_everywhere(actor_id: int) -> User:
    user = _user(actor_id)
    user.token_version += 1
    db.session.flush()
    audit.record("auth.logout_all", actor_user_id=user.id, object_type="user", object_id=user.id,
                 details={"token_version": user.token_version})
    return user
