"""Recorded consents, one kind per purpose. Biometric, location and financial data are
sensitive personal information and need their own consent (个人信息保护法 第二十九条)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, bindparam, exists, select

from models import Consent, db
from models.base import utcnow
from services import audit
from services.consent_texts import CURRENT, ConsentText
from services.errors import Forbidden, Unprocessable
from services.faces.erasure import erase_biometrics

KINDS = {kind: text.title for kind, text in CURRENT.items()}


def current_texts() -> list[ConsentText]:
    return list(CURRENT.values())


def active_consent(user_id: int, kind: str) -> Consent | None:
    return db.session.execute(
        select(Consent).where(Consent.user_id == user_id, Consent.kind == kind, Consent.withdrawn_at.is_(None))
        .order_by(Consent.id.desc()).limit(1)
    ).scalar_one_or_none()


def grant_consent(actor_id: int, kind: str, version: str) -> Consent:
    text = CURRENT.get(kind)
    if text is None:
        raise Unprocessable("CONSENT_KIND_INVALID", details={"kind": kind})
    if version != text.version:
        # a consent counts only for the text the person actually read
        raise Unprocessable("CONSENT_VERSION_OUTDATED", details={"kind": kind, "current_version": text.version})
    current = active_consent(actor_id, kind)
    if current is not None and current.version == version:
        return current
    if current is not None:
        current.withdrawn_at = utcnow()  # superseded by the newer text
    consent = Consent(user_id=actor_id, kind=kind, version=version)
    db.session.add(consent)
    db.session.flush()
    audit.record("consent.granted", actor_user_id=actor_id, object_type="consent", object_id=consent.id,
                 details={"kind": kind, "version": version})
    return consent


def withdraw_consent(actor_id: int, kind: str) -> None:
    current = active_consent(actor_id, kind)
    if current is None:
        return
    current.withdrawn_at = utcnow()
    db.session.flush()
    audit.record("consent.withdrawn", actor_user_id=actor_id, object_type="consent", object_id=current.id,
                 details={"kind": kind})
    if kind == "biometric":
        erase_biometrics(actor_id)


def current_consent_sql(user_id: Any, kind: str) -> Any:
    """THE rule for "the person consents to this purpose now", as SQL: a consent of the kind, not
    withdrawn, given to the current text. A consent counts only for the text the person read: after
    the text changes, selfies are no longer processed biometrically until the new one is accepted.
    ``user_id`` is a value or a column/bind parameter. Used by the entry gate, face admission, the face
    job and the witnessed-clock rule (through has_current_consent)."""
    # the version is read when the statement runs (statements built once at import stay right)
    version = bindparam(f"current_consent_version_{kind}", callable_=lambda: CURRENT[kind].version, type_=String)
    return exists().where(Consent.user_id == user_id, Consent.kind == kind, Consent.withdrawn_at.is_(None),
                          Consent.version == version)


def has_current_consent(user_id: int, kind: str) -> bool:
    return bool(db.session.execute(select(current_consent_sql(user_id, kind))).scalar())


def missing_consents(user_id: int, kinds: tuple[str, ...] = tuple(CURRENT)) -> list[str]:
    return [kind for kind in kinds if not has_current_consent(user_id, kind)]


def require_consent(user_id: int, kind: str) -> Consent:
    """The current consent (has_current_consent), or CONSENT_REQUIRED: an outdated one does not count."""
    if not has_current_consent(user_id, kind):
        raise Forbidden("CONSENT_REQUIRED", f"请先阅读并同意《{KINDS.get(kind, kind)}》",
                        {"kind": kind, "current_version": CURRENT[kind].version})
    consent = active_consent(user_id, kind)
    assert consent is not None
    return consent

