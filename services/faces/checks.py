"""Face checks as use cases: issue a challenge, start a check, run it in a job, purge evidence.

The request (``start_face_check``) only validates, stores the encrypted frames and queues
the job; the job (``workers.faces.face_check_job``) runs the engine and writes the result exactly once,
even if RQ delivers it twice: the result is a conditional UPDATE ... WHERE status='pending'
in the same transaction as the template it creates and the nonce it consumes.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select, update

from infra.jobs import enqueue
from models import Project, db
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
from services.authz import Action, authorize
from services.consents import require_consent
from services.errors import Conflict, NotFound, ProjectNotFound, Unprocessable
from services.faces import challenge as challenges
from services.faces import handover
from services.faces.engine import (
    DETECTOR_NAME,
    JPEG_MAGIC,
    MODEL_NAME,
    PNG_MAGIC,
    EngineSettings,
    FaceEngine,
    get_engine,
    match_templates,
)
from services.faces.reasons import REASONS, FaceRejected
from services.faces.settings import FACE_QUEUE, JOB_RETRIES, JOB_TIMEOUT_SECONDS
from services.faces.weights import missing_weights, seed_weights
from services.pii import decrypt_bytes, encrypt_bytes
from services.settings import settings

log = logging.getLogger(__name__)

LIVENESS_MODES = ("passive", "challenge")


def face_engine() -> FaceEngine:
    """The process's engine, built on first use with the app's settings (weights folder: create_app)."""
    if missing_weights():
        # offline copy from ../shared and the face-recognition-models wheel, never a download
        seed_weights()
    return get_engine(settings().faces.engine)


def warm_up() -> None:
    """Called once per face worker process (workers.worker.SiteRollWorker): load every model."""
    face_engine()


# ---------------------------------------------------------------- requests


def issue_challenge(actor_id: int, project_id: int | None = None) -> FaceChallenge:
    require_consent(actor_id, "biometric")
    if project_id is not None:
        authorize(actor_id, Action.FACE_CHECK, project_id, subject_user_id=actor_id)
    issued = challenges.issue(utcnow(), settings().faces.challenge)
    row = FaceChallenge(
        user_id=actor_id,
        project_id=project_id,
        movement=issued.movement,
        nonce=issued.nonce,
        expires_at=issued.expires_at,
    )
    db.session.add(row)
    db.session.flush()
    return row


def validate_upload(frames: list[bytes], settings: EngineSettings) -> None:
    """Cheap checks at the request, so obviously bad uploads get a 422 now, not a failed job."""
    for index, data in enumerate(frames):
        if len(data) > settings.max_bytes:
            raise FaceRejected("IMAGE_TOO_LARGE", {"frame": index, "max_bytes": settings.max_bytes})
        if not (data.startswith(JPEG_MAGIC) or data.startswith(PNG_MAGIC)):
            raise FaceRejected("IMAGE_UNDECODABLE", {"frame": index})


def liveness_mode_for(project_id: int | None, with_challenge: bool) -> str:
    # a challenge is always welcome (it is how a worker proves a passive false reject wrong);
    # a project in challenge mode requires one
    required = "passive"
    if project_id is not None:
        project = db.session.get(Project, project_id)
        if project is None:
            raise ProjectNotFound()
        required = project.liveness_mode
    if required == "challenge" and not with_challenge:
        raise Unprocessable("CHALLENGE_REQUIRED", "该项目需要完成动作验证，请先获取动作指令")
    return "challenge" if with_challenge else "passive"


def usable_challenge(user_id: int, nonce: str, at: datetime) -> FaceChallenge:
    row = db.session.execute(
        select(FaceChallenge).where(FaceChallenge.nonce == nonce, FaceChallenge.user_id == user_id)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("CHALLENGE_NOT_FOUND", "动作验证不存在，请重新开始")
    if row.used_at is not None:
        raise Conflict("CHALLENGE_REPLAYED", REASONS["CHALLENGE_REPLAYED"])
    if challenges.is_expired(row.expires_at, at):
        raise Unprocessable("CHALLENGE_EXPIRED", REASONS["CHALLENGE_EXPIRED"])
    return row


def active_templates(user_id: int) -> list[FaceTemplate]:
    return list(
        db.session.execute(
            select(FaceTemplate)
            .where(FaceTemplate.user_id == user_id, FaceTemplate.status == TemplateStatus.ACTIVE.value)
            .order_by(FaceTemplate.id)
        ).scalars()
    )


def start_face_check(
    actor_id: int,
    kind: str,
    frames: list[bytes],
    *,
    project_id: int | None = None,
    challenge_nonce: str | None = None,
    purpose: str | None = None,
    purpose_id: int | None = None,
) -> FaceCheck:
    """Store the frames (encrypted) and queue the check; the caller commits.

    ``purpose``/``purpose_id``: the asking area and its row; the finished check is handed to the
    handler that area registered (services/faces/handover.py).
    """
    if purpose is not None and not handover.is_registered(purpose):
        raise ValueError(f"no face check hand-over registered for purpose {purpose!r}")
    require_consent(actor_id, "biometric")
    if kind not in {k.value for k in FaceCheckKind}:
        raise Unprocessable("FACE_CHECK_KIND_INVALID", "检查类型不正确", {"kind": kind})
    if project_id is not None:
        authorize(actor_id, Action.FACE_CHECK, project_id, subject_user_id=actor_id)
    mode = liveness_mode_for(project_id, challenge_nonce is not None)
    expected = (
        (challenges.ChallengeSettings.min_frames, challenges.ChallengeSettings.max_frames)
        if mode == "challenge"
        else (1, 1)
    )
    if not expected[0] <= len(frames) <= expected[1]:
        code = "CHALLENGE_FRAMES_INVALID" if mode == "challenge" else "IMAGE_UNDECODABLE"
        raise FaceRejected(code, {"frames": len(frames), "expected": list(expected)})
    validate_upload(frames, settings().faces.engine)
    now = utcnow()
    challenge = usable_challenge(actor_id, challenge_nonce, now) if challenge_nonce else None
    if kind != FaceCheckKind.ENROLL and not active_templates(actor_id):
        raise FaceRejected("NOT_ENROLLED")

    check = FaceCheck(
        user_id=actor_id,
        project_id=project_id,
        kind=kind,
        purpose=purpose,
        purpose_id=purpose_id,
        liveness_mode=mode,
        challenge_id=challenge.id if challenge else None,
        status=FaceCheckStatus.PENDING.value,
        created_at=now,
    )
    db.session.add(check)
    db.session.flush()
    for index, data in enumerate(frames):
        db.session.add(
            FaceEvidence(
                check_id=check.id,
                frame_index=index,
                photo_enc=encrypt_bytes(data, context=f"face_evidence:{check.id}"),
                sha256=hashlib.sha256(data).hexdigest(),
                size_bytes=len(data),
                created_at=now,
            )
        )
    db.session.flush()
    audit.record(
        "face.check_started",
        actor_user_id=actor_id,
        object_type="face_check",
        object_id=check.id,
        details={"kind": kind, "liveness_mode": mode, "frames": len(frames)},
    )
    enqueue(
        "workers.faces.face_check_job",
        check.id,
        queue=FACE_QUEUE,
        retry_max=JOB_RETRIES,
        timeout=JOB_TIMEOUT_SECONDS,
        job_id=f"face-check-{check.id}",
    )
    return check


def get_face_check(actor_id: int, check_id: int) -> FaceCheck:
    check = db.session.get(FaceCheck, check_id)
    if check is None or check.user_id != actor_id:
        raise NotFound("FACE_CHECK_NOT_FOUND", "人脸核验记录不存在")
    return check


# ---------------------------------------------------------------- the decision (no DB)


@dataclass
class Outcome:
    status: str
    reason_code: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    distance: float | None = None
    threshold: float | None = None
    anti_spoof_score: float | None = None
    anti_spoof_real: bool | None = None
    embedding: np.ndarray | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.status == FaceCheckStatus.PASSED.value


def decide_check(
    engine: FaceEngine,
    kind: str,
    frames: list[bytes],
    templates: list[np.ndarray],
    movement: str | None = None,
    challenge_config: challenges.ChallengeSettings | None = None,
) -> Outcome:
    """Run the engine on the frames and decide. FaceRejected becomes a failed outcome."""
    threshold = engine.settings.threshold
    try:
        if movement is not None:
            result = challenges.check_frames(
                engine, frames, movement, challenge_config or challenges.ChallengeSettings()
            )
            analysis = result.primary
            details: dict[str, Any] = {
                "moved_deg": result.moved_deg,
                "frame_distances": result.frame_distances,
            }
            timings = {
                f"frame{i}_{k}": v for i, f in enumerate(result.frames) for k, v in f.timings_ms.items()
            }
        else:
            analysis = engine.analyze(frames[0])
            details, timings = {}, dict(analysis.timings_ms)
    except FaceRejected as rejected:
        return Outcome(FaceCheckStatus.FAILED.value, rejected.code, rejected.details, threshold=threshold)

    spoof = analysis.spoof
    # passive mode: FasNet's verdict decides (in challenge mode check_frames already voted)
    spoofed = movement is None and spoof is not None and not spoof.is_real
    outcome = Outcome(
        FaceCheckStatus.FAILED.value if spoofed else FaceCheckStatus.PASSED.value,
        "SPOOF_SUSPECTED" if spoofed else None,
        details=details,
        threshold=threshold,
        anti_spoof_score=spoof.real_score if spoof else None,
        anti_spoof_real=spoof.is_real if spoof else None,
        embedding=analysis.embedding,
        timings=timings,
    )
    if spoofed:
        return outcome
    if kind != FaceCheckKind.ENROLL:
        if not templates:
            outcome.status, outcome.reason_code = FaceCheckStatus.FAILED.value, "NOT_ENROLLED"
            return outcome
        match = match_templates(analysis.embedding, templates, threshold)
        outcome.distance = round(match.distance, 4)
        if not match.matched:
            outcome.status, outcome.reason_code = FaceCheckStatus.FAILED.value, "FACE_MISMATCH"
    return outcome


# ---------------------------------------------------------------- the job


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
    return [decrypt_bytes(r.photo_enc, context=f"face_evidence:{check_id}") for r in rows if r.photo_enc]


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


def load_attempt(check_id: int, engine: FaceEngine) -> Attempt:
    check = db.session.get(FaceCheck, check_id)
    challenge = db.session.get(FaceChallenge, check.challenge_id) if check.challenge_id else None
    frames = _frames_of(check_id)
    templates = [
        t
        for t in active_templates(check.user_id)
        if t.model_name == MODEL_NAME and t.model_version == engine.model_version
    ]
    return Attempt(
        check_id=check_id, user_id=check.user_id, kind=check.kind, attempts=check.attempts,
        created_at=check.created_at, challenge_id=check.challenge_id,
        movement=challenge.movement if challenge else None,
        challenge_used_by=challenge.used_by_check_id if challenge else None,
        challenge_expires_at=challenge.expires_at if challenge else None,
        frames=frames, embeddings=[template_embedding(t) for t in templates],
        biometric_read={"frames": len(frames), "template_ids": [t.id for t in templates]},
    )


def decide_attempt(attempt: Attempt, engine: FaceEngine) -> Outcome:
    """The engine's verdict; an engine crash is raised for RQ to retry, or, on the last attempt,
    becomes an ENGINE_ERROR result."""
    try:
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
    template_id = None
    if outcome.passed and kind == FaceCheckKind.ENROLL and outcome.embedding is not None:
        template_id = _replace_templates(user_id, check_id, outcome.embedding, engine, now)
        db.session.execute(update(FaceCheck).where(FaceCheck.id == check_id).values(template_id=template_id))
    if kind == FaceCheckKind.ENROLL:
        _purge_frames(select(FaceEvidence.id).where(FaceEvidence.check_id == check_id), now)
    audit.record(
        "face.check_finished",
        actor_user_id=None,
        object_type="face_check",
        object_id=check_id,
        details={"status": outcome.status, "reason": outcome.reason_code, "template_id": template_id,
                 "biometric_read": attempt.biometric_read},
    )
    # the asking area takes the result in this same transaction (it flushes; the job commits)
    handover.hand_over(db.session.get(FaceCheck, check_id, populate_existing=True))
    return outcome.status


def _replace_templates(
    user_id: int, check_id: int, embedding: np.ndarray, engine: FaceEngine, now: datetime
) -> int:
    """Re-enrollment retires the old templates (kept for the record) and adds the new one."""
    db.session.execute(
        update(FaceTemplate)
        .where(FaceTemplate.user_id == user_id, FaceTemplate.status == TemplateStatus.ACTIVE.value)
        .values(status=TemplateStatus.RETIRED.value, retired_at=now)
    )
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


def _purge_frames(evidence_ids: Any, now: datetime) -> int:
    result = db.session.execute(
        update(FaceEvidence)
        .where(FaceEvidence.id.in_(evidence_ids), FaceEvidence.purged_at.is_(None))
        .values(photo_enc=None, purged_at=now)
    )
    return result.rowcount


def fail_stale_checks(older_than: timedelta = timedelta(minutes=30), now: datetime | None = None) -> int:
    """Close checks whose job never finished (worker killed on every attempt): status error.

    A Python exception on the last attempt is handled in ``decide_attempt``; only a process
    killed each time leaves a check pending, and RQ then only moves the job to its failed set.
    """
    now = now or utcnow()
    result = db.session.execute(
        update(FaceCheck)
        .where(FaceCheck.status == FaceCheckStatus.PENDING.value, FaceCheck.created_at <= now - older_than)
        .values(status=FaceCheckStatus.ERROR.value, reason_code="ENGINE_ERROR", finished_at=now)
    )
    return result.rowcount


# ---------------------------------------------------------------- retention


def purge_evidence(now: datetime | None = None, days: int | None = None) -> int:
    """Drop the photos of clock-in / contract checks older than the retention period."""
    now = now or utcnow()
    cutoff = now - timedelta(days=settings().faces.retention_days if days is None else days)
    stale = select(FaceEvidence.id).where(FaceEvidence.purged_at.is_(None), FaceEvidence.created_at <= cutoff)
    count = _purge_frames(stale, now)
    if count:
        audit.record(
            "face.evidence_purged",
            actor_user_id=None,
            object_type="face_evidence",
            object_id=None,
            details={"photos": count, "cutoff": cutoff.isoformat()},
        )
    return count
