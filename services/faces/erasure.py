"""Withdrawn biometric consent: the face data goes (个人信息保护法 第四十七条)."""

from __future__ import annotations

from sqlalchemy import delete, select

from models import db
from models.base import utcnow
from models.faces import FaceCheck, FaceEvidence, FaceTemplate
from services import audit
from services.faces.retention import purge_frames


def erase_biometrics(user_id: int) -> dict[str, int]:
    """Delete the person's templates and evidence photos; the check rows stay as the record
    of what happened (status, reason), without anything that identifies a face."""
    now = utcnow()
    templates = db.session.execute(delete(FaceTemplate).where(FaceTemplate.user_id == user_id)).rowcount
    own_checks = select(FaceCheck.id).where(FaceCheck.user_id == user_id)
    # the same path as the retention purge: rows cleared now, objects deleted after the commit
    photos = purge_frames(select(FaceEvidence.id).where(FaceEvidence.check_id.in_(own_checks)), now)
    counts = {"templates": int(templates or 0), "photos": int(photos or 0)}
    audit.record("face.biometrics_erased", actor_user_id=user_id, object_type="user", object_id=user_id,
                 details={**counts, "why": "consent_withdrawn"})
    return counts
