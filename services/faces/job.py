"""The body of the face check job, in steps; workers.faces.face_check_job commits between them.

It writes the result exactly once, even if RQ delivers the job twice: the result is a
conditional UPDATE ... WHERE status='pending', flushed with the template it creates, the
nonce it consumes and the hand-over to the asking area.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select, update

from models import db
from models.base import utcnow
from models.faces import (
    FaceChallenge,
    FaceCheck,
    FaceCheckKind,
    FaceCheckStatus,
    FaceEvidence,
    FaceTemplate,
    TemplateStatus,
)
from services import audit
from services.consents import has_current_consent
from services.faces import challenge as challenges
from services.faces import handover
from services.faces.checks import active_templates
from services.faces.decision import Outcome, decide_check
from services.faces.engine import DETECTOR_NAME, MODEL_NAME, FaceEngine
from services.faces.retention import purge_frames
from services.faces.settings import JOB_RETRIES
from services.pii import decrypt_bytes, encrypt_bytes
from services.settings import settings
from services.storage import objects

log = logging.getLogger(__name__)


def begin_attempt(check_id: int) -> bool:
    """Count one more attempt of a pending check (flush). False if it is decided already:
    a second delivery of the job then does nothing."""
    check = db.session.get(FaceCheck, check_id)
    if check is None or check.status != FaceCheckStatus.PENDING.value:
        return False
    check.attempts += 1
    check.started_at = check.started_at or utcnow()
    db.session.flush()
    return True


def check_status(check_id: int) -> str:
    current = db.session.get(FaceCheck, check_id)
    return current.status if current else "missing"


def _frames_of(check_id: int) -> list[bytes]:
    rows = db.session.execute(
        select(FaceEvidence).where(FaceEvidence.check_id == check_id).order_by(FaceEvidence.frame_index)
    ).scalars()
    # the store down raises StorageUnavailable: the job fails and RQ retries it with backoff
    return [objects.read(r.photo_object_id) or b"" for r in rows if r.photo_object_id]


def template_embedding(template: FaceTemplate) -> np.ndarray:
    return np.frombuffer(
        decrypt_bytes(template.embedding_enc, context=f"face_template:{template.user_id}"), np.float32
    )


@dataclass
class Attempt:
    """What one run of the job works on, read before the models run (plain values: the
    transaction that read them is closed while the models run)."""

    check_id: int
    user_id: int
    kind: str
    attempts: int
    created_at: datetime
    challenge_id: int | None
    movement: str | None
    challenge_used_by: int | None
    challenge_expires_at: datetime | None
    frames: list[bytes]
    embeddings: list[np.ndarray]
    # what this job decrypted, for the audit entry that closes the check
    biometric_read: dict[str, Any]
    # biometric consent still given: withdrawn after the upload, the frames are not even decrypted
    consented: bool = True


def load_attempt(check_id: int, engine: FaceEngine) -> Attempt:
    check = db.session.get(FaceCheck, check_id)
    challenge = db.session.get(FaceChallenge, check.challenge_id) if check.challenge_id else None
    consented = has_current_consent(check.user_id, "biometric")
    frames = _frames_of(check_id) if consented else []
    templates = [
        t
        for t in active_templates(check.user_id)
        if consented and t.model_name == MODEL_NAME and t.model_version == engine.model_version
    ]
    return Attempt(
        check_id=check_id, user_id=check.user_id, kind=check.kind, attempts=check.attempts,
        created_at=check.created_at, challenge_id=check.challenge_id,
        movement=challenge.movement if challenge else None,
        challenge_used_by=challenge.used_by_check_id if challenge else None,
        challenge_expires_at=challenge.expires_at if challenge else None,
        frames=frames, embeddings=[template_embedding(t) for t in templates],
        biometric_read={"frames": len(frames), "template_ids": [t.id for t in templates]},
        consented=consented,
    )


def decide_attempt(attempt: Attempt, engine: FaceEngine) -> Outcome:
    """The engine's verdict; an engine crash is raised for RQ to retry, or, on the last attempt,
    becomes an ENGINE_ERROR result."""
    try:
        if not attempt.consented:
            return Outcome(FaceCheckStatus.FAILED.value, "CONSENT_WITHDRAWN")
        if attempt.challenge_used_by not in (None, attempt.check_id):
            return Outcome(FaceCheckStatus.FAILED.value, "CHALLENGE_REPLAYED")
        if attempt.challenge_expires_at is not None and challenges.is_expired(
            attempt.challenge_expires_at, attempt.created_at
        ):
            return Outcome(FaceCheckStatus.FAILED.value, "CHALLENGE_EXPIRED")
        if not attempt.frames:
            return Outcome(FaceCheckStatus.ERROR.value, "ENGINE_ERROR", {"why": "frames already purged"})
        return decide_check(engine, attempt.kind, attempt.frames, attempt.embeddings, attempt.movement,
                            settings().faces.challenge)
    except Exception as exc:
        if attempt.attempts <= JOB_RETRIES:
            raise  # RQ retries with backoff
        log.exception("face check %s failed on its last attempt", attempt.check_id)
        return Outcome(FaceCheckStatus.ERROR.value, "ENGINE_ERROR", {"why": type(exc).__name__})


def _consume_challenge(challenge_id: int, check_id: int, now: datetime) -> bool:
    result = db.session.execute(
        update(FaceChallenge)
        .where(
            FaceChallenge.id == challenge_id,
            (FaceChallenge.used_at.is_(None)) | (FaceChallenge.used_by_check_id == check_id),
        )
        .values(used_at=now, used_by_check_id=check_id)
    )
    return result.rowcount == 1


def write_result(attempt: Attempt, outcome: Outcome, engine: FaceEngine) -> str | None:
    """Write the result once (flush), with the template an enrollment creates, the nonce it
    consumes and the hand-over to the asking area. None if another run wrote it first."""
    check_id, user_id, kind, challenge_id = attempt.check_id, attempt.user_id, attempt.kind, attempt.challenge_id
    now = utcnow()
    if challenge_id is not None and not _consume_challenge(challenge_id, check_id, now):
        outcome = Outcome(FaceCheckStatus.FAILED.value, "CHALLENGE_REPLAYED", threshold=outcome.threshold)
    values: dict[str, Any] = {
        "status": outcome.status,
        "reason_code": outcome.reason_code,
        "details": outcome.details or None,
        "distance": outcome.distance,
        "threshold": outcome.threshold,
        "anti_spoof_score": None if outcome.anti_spoof_score is None else round(outcome.anti_spoof_score, 4),
        "anti_spoof_real": outcome.anti_spoof_real,
        "model_name": MODEL_NAME,
        "model_version": engine.model_version,
        "detector": DETECTOR_NAME,
        "timings": outcome.timings or None,
        "finished_at": now,
    }
    guard = db.session.execute(
        update(FaceCheck)
        .where(FaceCheck.id == check_id, FaceCheck.status == FaceCheckStatus.PENDING.value)
        .values(**values)
    )
    if guard.rowcount != 1:
        return None
    template_ids: list[int] = []
    if outcome.passed and kind == FaceCheckKind.ENROLL and outcome.embedding is not None:
        template_ids = _replace_templates(
            user_id, check_id, outcome.template_embeddings or [outcome.embedding], engine, now
        )
    elif outcome.passed and kind == FaceCheckKind.CONTRACT and outcome.embedding is not None:
        template_ids = [_add_contract_template(user_id, check_id, outcome.embedding, engine, now)]
    template_id = template_ids[0] if template_ids else None
    if template_id is not None:
        db.session.execute(update(FaceCheck).where(FaceCheck.id == check_id).values(template_id=template_id))
    if kind == FaceCheckKind.ENROLL:
        purge_frames(select(FaceEvidence.id).where(FaceEvidence.check_id == check_id), now)
    _finished(check_id, {"status": outcome.status, "reason": outcome.reason_code, "template_id": template_id,
                         "template_ids": template_ids, "biometric_read": attempt.biometric_read})
    return outcome.status


def _finished(check_id: int, details: dict[str, Any]) -> None:
    """The result is written: audit it and hand it to the asking area, in this same transaction
    (the handler flushes; the caller commits). Every way a check ends comes through here."""
    audit.record("face.check_finished", actor_user_id=None, object_type="face_check", object_id=check_id,
                 details=details)
    handover.hand_over(db.session.get(FaceCheck, check_id, populate_existing=True))


def close_stale(check_id: int, now: datetime) -> bool:
    """Close a check whose job never finished (its worker killed on every attempt) as ENGINE_ERROR,
    through the same write-and-hand-over path as a finished job: the clock or contract waiting on
    it is decided now, not left to a second decider. False when a job wrote its result first."""
    guard = db.session.execute(update(FaceCheck).where(
        FaceCheck.id == check_id, FaceCheck.status == FaceCheckStatus.PENDING.value).values(
        status=FaceCheckStatus.ERROR.value, reason_code="ENGINE_ERROR", finished_at=now))
    if guard.rowcount != 1:
        return False
    _finished(check_id, {"status": FaceCheckStatus.ERROR.value, "reason": "ENGINE_ERROR", "stale": True,
                         "template_id": None, "template_ids": [], "biometric_read": {}})
    return True


def _new_template(user_id: int, check_id: int, embedding: np.ndarray, engine: FaceEngine, now: datetime) -> int:
    template = FaceTemplate(
        user_id=user_id,
        source_check_id=check_id,
        embedding_enc=encrypt_bytes(
            np.asarray(embedding, np.float32).tobytes(), context=f"face_template:{user_id}"
        ),
        model_name=MODEL_NAME,
        model_version=engine.model_version,
        detector=DETECTOR_NAME,
        status=TemplateStatus.ACTIVE.value,
        created_at=now,
    )
    db.session.add(template)
    db.session.flush()
    return template.id


def _retire(user_id: int, now: datetime, *, from_kind: str | None = None) -> None:
    condition = (FaceTemplate.user_id == user_id) & (FaceTemplate.status == TemplateStatus.ACTIVE.value)
    if from_kind is not None:
        condition &= FaceTemplate.source_check_id.in_(select(FaceCheck.id).where(FaceCheck.kind == from_kind))
    db.session.execute(
        update(FaceTemplate)
        .where(condition)
        .values(status=TemplateStatus.RETIRED.value, retired_at=now)
        .execution_options(synchronize_session=False)
    )


def _replace_templates(
    user_id: int, check_id: int, embeddings: list[np.ndarray], engine: FaceEngine, now: datetime
) -> list[int]:
    """Re-enrollment retires the old templates (kept for the record) and keeps one per usable
    frame of the new enrollment: a check matches the closest of them."""
    _retire(user_id, now)
    return [_new_template(user_id, check_id, e, engine, now) for e in embeddings]


def _add_contract_template(
    user_id: int, check_id: int, embedding: np.ndarray, engine: FaceEngine, now: datetime
) -> int:
    """A contract-signing selfie that matched the enrolled templates joins them: a recent photo
    taken where the worker works. Only the latest one is kept, so the templates cannot drift
    away from the enrollment one match at a time."""
    _retire(user_id, now, from_kind=FaceCheckKind.CONTRACT.value)
    return _new_template(user_id, check_id, embedding, engine, now)


def fail_stale_checks(older_than: timedelta = timedelta(minutes=30), now: datetime | None = None) -> int:
    """Close checks whose job never finished (worker killed on every attempt): status error.

    A Python exception on the last attempt is handled in ``decide_attempt``; only a process
    killed each time leaves a check pending, and RQ then only moves the job to its failed set.
    """
    now = now or utcnow()
    stale = list(db.session.execute(select(FaceCheck.id).where(
        FaceCheck.status == FaceCheckStatus.PENDING.value, FaceCheck.created_at <= now - older_than)
        .order_by(FaceCheck.id)).scalars())
    return sum(close_stale(check_id, now) for check_id in stale)
