"""Recorded consents. Biometric processing needs its own (个人信息保护法 第二十九条)."""

from __future__ import annotations

from sqlalchemy import select

from models import Consent, db
from models.base import utcnow
from services import audit
from services.errors import Forbidden
from services.faces.erasure import erase_biometrics

KINDS = {"biometric": "人脸识别（生物识别信息）处理", "privacy_policy": "隐私政策"}


def active_consent(user_id: int, kind: str) -> Consent | None:
    return db.session.execute(
        select(Consent).where(Consent.user_id == user_id, Consent.kind == kind, Consent.withdrawn_at.is_(None))
        .order_by(Consent.id.desc()).limit(1)
    ).scalar_one_or_none()


def grant_consent(actor_id: int, kind: str, version: str) -> Consent:
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


def require_consent(user_id: int, kind: str) -> Consent:
    consent = active_consent(user_id, kind)
    if consent is None:
        raise Forbidden("CONSENT_REQUIRED", f"请先阅读并同意《{KINDS.get(kind, kind)}》授权", {"kind": kind})
    return consent


def consents_of(user_id: int) -> list[Consent]:
    return list(db.session.execute(
        select(Consent).where(Consent.user_id == user_id, Consent.withdrawn_at.is_(None)).order_by(Consent.id)
    ).scalars())
