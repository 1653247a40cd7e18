"""Face checks as the worker asks for them: a challenge, a check started, a check read back.

The request (``start_face_check``) only validates, stores the encrypted frames and queues
the job (``workers.faces.face_check_job``, whose body is services/faces/job.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, exists, insert, select

from infra.jobs import enqueue
from models import Membership, MembershipStatus, Project, db
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
from services.consents import current_consent_sql, require_consent
from services.errors import Conflict, NotFound, ProjectNotFound, Unprocessable
from services.faces import challenge as challenges
from services.faces import handover
from services.faces.admission import admit_face_check, link_reenrollment
from services.faces.engine import EngineSettings
from services.faces.imaging import check_upload
from services.faces.reasons import REASONS, FaceRejected
from services.faces.settings import ENROLL_MAX_FRAMES, FACE_QUEUE, JOB_RETRIES, JOB_TIMEOUT_SECONDS
from services.settings import settings
from services.storage import objects


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
        check_upload(data, settings, frame=index)


@dataclass(frozen=True)
class Admission:
    """What a check is admitted on, read in one query (``admission_facts``)."""

    consented: bool  # a biometric consent stands
    enrolled: bool  # an active template exists
    project_found: bool
    liveness_mode: str | None  # the project's
    memberships: list[Membership]  # the caller's active ones in the project


_ACTOR = bindparam("actor_id")
_CONSENTED = current_consent_sql(_ACTOR, "biometric").label("consented")  # the one consent rule
_ENROLLED = exists().where(FaceTemplate.user_id == _ACTOR,
                           FaceTemplate.status == TemplateStatus.ACTIVE.value).label("enrolled")
# built once; one row per active membership of the caller in the project (one with None: none)
_ADMISSION_IN_PROJECT = (
    select(_CONSENTED, _ENROLLED, Project.liveness_mode, Membership).select_from(Project)
    .outerjoin(Membership, (Membership.project_id == Project.id) & (Membership.user_id == _ACTOR)
               & (Membership.status == MembershipStatus.ACTIVE.value))
    .where(Project.id == bindparam("project_id")))
_ADMISSION = select(_CONSENTED, _ENROLLED)


def admission_facts(actor_id: int, project_id: int | None) -> Admission:
    if project_id is None:
        row = db.session.execute(_ADMISSION, {"actor_id": actor_id}).one()
        return Admission(bool(row.consented), bool(row.enrolled), False, None, [])
    rows = db.session.execute(_ADMISSION_IN_PROJECT, {"actor_id": actor_id, "project_id": project_id}).all()
    if not rows:
        return Admission(False, False, False, None, [])
    first = rows[0]
    return Admission(bool(first.consented), bool(first.enrolled), True, first.liveness_mode,
                     [r.Membership for r in rows if r.Membership is not None])


def liveness_mode_for(project_id: int | None, with_challenge: bool, admission: Admission) -> str:
    # a challenge is always welcome (it is how a worker proves a passive false reject wrong);
    # a project in challenge mode requires one
    required = "passive"
    if project_id is not None:
        if not admission.project_found:
            raise ProjectNotFound()
        required = admission.liveness_mode
    if required == "challenge" and not with_challenge:
        raise Unprocessable("CHALLENGE_REQUIRED")
    return "challenge" if with_challenge else "passive"


def usable_challenge(user_id: int, nonce: str, at: datetime) -> FaceChallenge:
    row = db.session.execute(
        select(FaceChallenge).where(FaceChallenge.nonce == nonce, FaceChallenge.user_id == user_id)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("CHALLENGE_NOT_FOUND")
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
    admission = admission_facts(actor_id, project_id)
    if not admission.consented:
        require_consent(actor_id, "biometric")  # raises CONSENT_REQUIRED
    if kind not in {k.value for k in FaceCheckKind}:
        raise Unprocessable("FACE_CHECK_KIND_INVALID", details={"kind": kind})
    approval = admit_face_check(actor_id, kind, project_id, memberships=admission.memberships)
    mode = liveness_mode_for(project_id, challenge_nonce is not None, admission)
    if mode == "challenge":
        expected = (challenges.ChallengeSettings.min_frames, challenges.ChallengeSettings.max_frames)
    else:
        # an enrollment may be a short burst: every usable frame becomes a template
        expected = (1, ENROLL_MAX_FRAMES if kind == FaceCheckKind.ENROLL else 1)
    if not expected[0] <= len(frames) <= expected[1]:
        # two frames without a nonce is a client that skipped the challenge, not a bad photo
        code = "CHALLENGE_FRAMES_INVALID" if mode == "challenge" else "FRAME_COUNT_INVALID"
        raise FaceRejected(code, {"frames": len(frames), "expected": list(expected)})
    validate_upload(frames, settings().faces.engine)
    now = utcnow()
    challenge = usable_challenge(actor_id, challenge_nonce, now) if challenge_nonce else None
    if kind != FaceCheckKind.ENROLL and not admission.enrolled:
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
    link_reenrollment(approval, check.id)
    # each frame is in the object store before the rows that point at it (a rollback leaves
    # orphans the sweeper deletes); one statement for every row, nothing here reads them back
    stored = [row.id for row in objects.put_many(frames, context=f"face_evidence:{check.id}")]
    db.session.execute(insert(FaceEvidence.__table__), [
        {"check_id": check.id, "frame_index": index, "photo_object_id": object_id,
         "sha256": hashlib.sha256(data).hexdigest(), "size_bytes": len(data), "created_at": now}
        for index, (data, object_id) in enumerate(zip(frames, stored, strict=True))])
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
        raise NotFound("FACE_CHECK_NOT_FOUND")
    return check
