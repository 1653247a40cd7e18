"""Face checks as use cases: issue a challenge, start a check, run it in a job, purge evidence.

The request (``start_face_check``) only validates, stores the encrypted frames and queues
the job; the job (``run_face_check``) runs the engine and writes the result exactly once,
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
from services.authz import memberships_in
from services.consents import require_consent
from services.errors import Conflict, NotFound, Unprocessable
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


def issue_challenge(user_id: int, project_id: int | None = None) -> FaceChallenge:
    require_consent(user_id, "biometric")
    if project_id is not None and not memberships_in(user_id, project_id):
        raise NotFound("PROJECT_NOT_FOUND", "项目不存在或您不是该项目成员")
    issued = challenges.issue(utcnow(), settings().faces.challenge)
    row = FaceChallenge(
        user_id=user_id,
        project_id=project_id,
        movement=issued.movement,
        nonce=issued.nonce,
        expires_at=issued.expires_at,
    )
    db.session.add(row)
    db.session.flush()
    return row


def _refuse_upload(code: str, details: dict[str, Any] | None = None) -> Unprocessable:
    return Unprocessable(code, REASONS[code], details)


def validate_upload(frames: list[bytes], settings: EngineSettings) -> None:
    """Cheap checks at the request, so obviously bad uploads get a 422 now, not a failed job."""
    for index, data in enumerate(frames):
        if len(data) > settings.max_bytes:
            raise _refuse_upload("IMAGE_TOO_LARGE", {"frame": index, "max_bytes": settings.max_bytes})
        if not (data.startswith(JPEG_MAGIC) or data.startswith(PNG_MAGIC)):
            raise _refuse_upload("IMAGE_UNDECODABLE", {"frame": index})


def liveness_mode_for(project_id: int | None, with_challenge: bool) -> str:
    # a challenge is always welcome (it is how a worker proves a passive false reject wrong);
    # a project in challenge mode requires one
    required = "passive"
    if project_id is not None:
        project = db.session.get(Project, project_id)
        if project is None:
            raise NotFound("PROJECT_NOT_FOUND", "项目不存在或您不是该项目成员")
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
    user_id: int,
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
    require_consent(user_id, "biometric")
    if kind not in {k.value for k in FaceCheckKind}:
        raise Unprocessable("FACE_CHECK_KIND_INVALID", "检查类型不正确", {"kind": kind})
    if project_id is not None and not memberships_in(user_id, project_id):
        raise NotFound("PROJECT_NOT_FOUND", "项目不存在或您不是该项目成员")
    mode = liveness_mode_for(project_id, challenge_nonce is not None)
    expected = (
        (challenges.ChallengeSettings.min_frames, challenges.ChallengeSettings.max_frames)
        if mode == "challenge"
        else (1, 1)
    )
    if not expected[0] <= len(frames) <= expected[1]:
        # two frames without a nonce is a client that skipped the challenge, not a bad photo
        code = "CHALLENGE_FRAMES_INVALID" if mode == "challenge" else "FRAME_COUNT_INVALID"
        raise Unprocessable(code, details={"frames": len(frames), "expected": list(expected)})
    validate_upload(frames, settings().faces.engine)
    now = utcnow()
    challenge = usable_challenge(user_id, challenge_nonce, now) if challenge_nonce else None
    if kind != FaceCheckKind.ENROLL and not active_templates(user_id):
        raise _refuse_upload("NOT_ENROLLED")

    check = FaceCheck(
        user_id=user_id,
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
        actor_user_id=user_id,
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


def get_face_check(user_id: int, check_id: int) -> FaceCheck:
    check = db.session.get(FaceCheck, check_id)
    if check is None or check.user_id != user_id:
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


def _begin_attempt(check_id: int) -> FaceCheck | None:
    check = db.session.get(FaceCheck, check_id)
    if check is None or check.status != FaceCheckStatus.PENDING.value:
        db.session.rollback()
        return None  # already decided: a second delivery of the job does nothing
    check.attempts += 1
    check.started_at = check.started_at or utcnow()
    db.session.commit()
    return check


def _frames_of(check_id: int) -> list[bytes]:
    rows = db.session.execute(
        select(FaceEvidence).where(FaceEvidence.check_id == check_id).order_by(FaceEvidence.frame_index)
    ).scalars()
    return [decrypt_bytes(r.photo_enc, context=f"face_evidence:{check_id}") for r in rows if r.photo_enc]


def template_embedding(template: FaceTemplate) -> np.ndarray:
    return np.frombuffer(
        decrypt_bytes(template.embedding_enc, context=f"face_template:{template.user_id}"), np.float32
    )


def run_face_check(check_id: int) -> str:
    """The job body. Returns the check's final status (or its current one if already decided)."""
    check = _begin_attempt(check_id)
    if check is None:
        current = db.session.get(FaceCheck, check_id)
        return current.status if current else "missing"
    engine = face_engine()
    kind, user_id, attempts, created_at = check.kind, check.user_id, check.attempts, check.created_at
    challenge = db.session.get(FaceChallenge, check.challenge_id) if check.challenge_id else None
    frames = _frames_of(check_id)
    templates = [
        t
        for t in active_templates(user_id)
        if t.model_name == MODEL_NAME and t.model_version == engine.model_version
    ]
    embeddings = [template_embedding(t) for t in templates]
    # what this job decrypted, for the audit entry that closes the check
    biometric_read = {"frames": len(frames), "template_ids": [t.id for t in templates]}
    movement = challenge.movement if challenge else None
    db.session.rollback()  # no lock held while the models run (SQLite takes the write lock on BEGIN)

    try:
        if challenge is not None and challenge.used_by_check_id not in (None, check_id):
            outcome = Outcome(FaceCheckStatus.FAILED.value, "CHALLENGE_REPLAYED")
        elif challenge is not None and challenges.is_expired(challenge.expires_at, created_at):
            outcome = Outcome(FaceCheckStatus.FAILED.value, "CHALLENGE_EXPIRED")
        elif not frames:
            outcome = Outcome(FaceCheckStatus.ERROR.value, "ENGINE_ERROR", {"why": "frames already purged"})
        else:
            outcome = decide_check(engine, kind, frames, embeddings, movement, settings().faces.challenge)
    except Exception as exc:
        if attempts <= JOB_RETRIES:
            raise  # RQ retries with backoff
        log.exception("face check %s failed on its last attempt", check_id)
        outcome = Outcome(FaceCheckStatus.ERROR.value, "ENGINE_ERROR", {"why": type(exc).__name__})
    return _write_result(check_id, user_id, kind, challenge.id if challenge else None, outcome, engine,
                         biometric_read)


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


def _write_result(
    check_id: int, user_id: int, kind: str, challenge_id: int | None, outcome: Outcome, engine: FaceEngine,
    biometric_read: dict[str, Any],
) -> str:
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
        db.session.rollback()  # another run of this job wrote the result first
        current = db.session.get(FaceCheck, check_id)
        return current.status if current else "missing"
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
                 "biometric_read": biometric_read},
    )
    # the asking area sees the result in this same transaction (it flushes; we commit)
    handover.hand_over(db.session.get(FaceCheck, check_id, populate_existing=True))
    db.session.commit()
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

    A Python exception on the last attempt is handled in ``run_face_check``; only a process
    killed each time leaves a check pending, and RQ then only moves the job to its failed set.
    """
    now = now or utcnow()
    result = db.session.execute(
        update(FaceCheck)
        .where(FaceCheck.status == FaceCheckStatus.PENDING.value, FaceCheck.created_at <= now - older_than)
        .values(status=FaceCheckStatus.ERROR.value, reason_code="ENGINE_ERROR", finished_at=now)
    )
    db.session.commit()
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
    db.session.commit()
    return count
