"""Whose enrolled face is this selfie? The faces area's one search among other people's templates
(attendance's buddy-punch check asks it), with the engine's own threshold and model, only among
candidates who currently consent to biometric processing, and every template read audited."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from models import FaceEvidence, FaceTemplate, db
from models.faces import TemplateStatus
from services import audit
from services.consents import current_consent_sql
from services.faces.engine import MODEL_NAME, face_distance
from services.faces.job import template_embedding
from services.faces.reasons import FaceRejected
from services.faces.runtime import face_engine
from services.storage import objects


@dataclass(frozen=True)
class Identified:
    user_id: int
    distance: float
    searched: int


def _selfie(check_id: int) -> bytes | None:
    row = db.session.execute(select(FaceEvidence).where(
        FaceEvidence.check_id == check_id, FaceEvidence.photo_object_id.is_not(None))
        .order_by(FaceEvidence.frame_index).limit(1)).scalar_one_or_none()
    return None if row is None else objects.read(row.photo_object_id)


def identify(check_id: int, candidate_user_ids: list[int], *, purpose: str = "identify") -> Identified | None:
    """The candidate whose active template is closest to the check's selfie, within the engine's
    threshold; None if nobody is. The caller chooses the candidates (attendance: the project's active
    workers); those without a current biometric consent are never searched. Flushes, never commits."""
    if not candidate_user_ids:
        return None
    photo = _selfie(check_id)
    if photo is None:
        return None
    engine = face_engine()
    templates = list(db.session.execute(select(FaceTemplate).where(
        FaceTemplate.user_id.in_(sorted(set(candidate_user_ids))), FaceTemplate.status == TemplateStatus.ACTIVE.value,
        FaceTemplate.model_name == MODEL_NAME, FaceTemplate.model_version == engine.model_version,
        current_consent_sql(FaceTemplate.user_id, "biometric")).order_by(FaceTemplate.id)).scalars())
    if not templates:
        return None
    candidates = [(t.user_id, template_embedding(t)) for t in templates]
    audit.record("face.biometric_read", actor_user_id=None, object_type="face_check", object_id=check_id,
                 details={"purpose": purpose, "template_ids": [t.id for t in templates], "frames": 1})
    try:
        probe = engine.analyze(photo, anti_spoof=False).embedding
    except FaceRejected:
        return None
    best_distance, best_user = min((face_distance(probe, embedding), uid) for uid, embedding in candidates)
    if best_distance > engine.settings.threshold:
        return None
    return Identified(best_user, round(best_distance, 4), len(candidates))
