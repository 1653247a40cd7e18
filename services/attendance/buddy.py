"""Buddy punching: a clock whose selfie did not match the worker is compared with the project's
other enrolled workers. A hit flags the clock ``BUDDY_PUNCH`` with the matched worker, whom only
the labour manager sees. Runs on the face queue (the models are loaded there)."""

from __future__ import annotations

from sqlalchemy import select

from models import FaceEvidence, FaceTemplate, Membership, db
from models.attendance import Clock
from models.faces import TemplateStatus
from services import audit
from services.faces.engine import MODEL_NAME, face_distance
from services.faces.job import template_embedding
from services.faces.reasons import FaceRejected
from services.faces.runtime import face_engine
from services.storage import objects


def _selfie(check_id: int) -> bytes | None:
    row = db.session.execute(select(FaceEvidence).where(
        FaceEvidence.check_id == check_id, FaceEvidence.photo_object_id.is_not(None))
        .order_by(FaceEvidence.frame_index).limit(1)).scalar_one_or_none()
    return None if row is None else objects.read(row.photo_object_id)


def search_buddy(clock_id: int) -> int | None:
    """The other worker whose face this clock's selfie is, if any (and flag the clock)."""
    clock = db.session.get(Clock, clock_id)
    if clock is None or clock.face_check_id is None or clock.buddy_user_id is not None:
        return None
    photo = _selfie(clock.face_check_id)
    if photo is None:
        return None
    engine = face_engine()
    templates = list(db.session.execute(select(FaceTemplate).join(
        Membership, Membership.user_id == FaceTemplate.user_id).where(
        Membership.project_id == clock.project_id, FaceTemplate.user_id != clock.user_id,
        FaceTemplate.status == TemplateStatus.ACTIVE.value, FaceTemplate.model_name == MODEL_NAME,
        FaceTemplate.model_version == engine.model_version).distinct()).scalars())
    project_id, user_id = clock.project_id, clock.user_id
    candidates = [(t.user_id, template_embedding(t)) for t in templates]
    db.session.rollback()  # no transaction held while the model runs
    if not candidates:
        return None
    try:
        probe = engine.analyze(photo, anti_spoof=False).embedding
    except FaceRejected:
        return None
    best = min((face_distance(probe, embedding), other) for other, embedding in candidates)
    audit_details = {"templates_searched": len(candidates), "distance": round(best[0], 4)}
    if best[0] > engine.settings.threshold:
        return None
    clock = db.session.get(Clock, clock_id)
    clock.buddy_user_id = best[1]
    clock.flags = [*(clock.flags or []), "BUDDY_PUNCH"]
    audit.record("attendance.buddy_punch_flagged", actor_user_id=None, object_type="attendance_clock",
                 object_id=clock_id, details={**audit_details, "project_id": project_id, "user_id": user_id,
                                              "matched_user_id": best[1]})
    db.session.flush()
    return best[1]
