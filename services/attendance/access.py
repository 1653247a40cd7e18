"""Who sees and does what with clocks: the worker their own, the leader their team's, the labour
manager the project's (and alone sees whose face a buddy punch matched)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from models import FaceEvidence, db
from models.attendance import Clock, ClockSource, ClockStatus
from services import audit
from services.attendance import clocks
from services.attendance.confirmation import team_for
from services.attendance.people import team_workers
from services.attendance.rules import business_date, rules_for
from services.authz import Action, authorize, may, refuse_own
from services.consents import has_current_consent
from services.errors import NotFound, Unprocessable
from services.storage import objects
from services.storage.backends import ObjectMissing

FACE_FAILURES_BEFORE_WITNESS = 2


@dataclass
class ClockView:
    clock: Clock
    fraud_detail: bool
    evidence: bool


def clock_for(actor_id: int, clock_id: int) -> ClockView:
    clock = clocks.get_clock(clock_id)
    authorize(actor_id, Action.ATTENDANCE_VIEW, clock.project_id, team_id=clock.team_id or -1,
              subject_user_id=clock.user_id)
    return ClockView(clock, may(actor_id, Action.ATTENDANCE_FRAUD_DETAIL, clock.project_id),
                     may(actor_id, Action.ATTENDANCE_EVIDENCE, clock.project_id, team_id=clock.team_id or -1))


def clock_photo(actor_id: int, clock_id: int) -> bytes:
    """The evidence selfie, whole (signed media links); audited like the stream."""
    return b"".join(clock_photo_stream(actor_id, clock_id)[1])


def clock_photo_stream(actor_id: int, clock_id: int) -> tuple[str, Iterator[bytes]]:
    """The evidence selfie while it is retained (content type, clear chunks streamed from the
    store); every view is in the audit chain."""
    clock = clocks.get_clock(clock_id)
    authorize(actor_id, Action.ATTENDANCE_EVIDENCE, clock.project_id, team_id=clock.team_id or -1)
    row = None if clock.face_check_id is None else db.session.execute(select(FaceEvidence).where(
        FaceEvidence.check_id == clock.face_check_id).order_by(FaceEvidence.frame_index).limit(1)).scalar_one_or_none()
    if row is None or row.photo_object_id is None:
        raise NotFound("EVIDENCE_NOT_AVAILABLE", "考勤照片已过保留期或不存在")
    audit.record("attendance.photo_viewed", actor_user_id=actor_id, object_type="attendance_clock",
                 object_id=clock.id, details={"face_check_id": clock.face_check_id, "user_id": clock.user_id})
    stored = objects.get_row(row.photo_object_id)
    try:
        return stored.content_type, objects.stream(stored)
    except ObjectMissing:  # removed from the store by hand: the same answer as a purged photo
        raise NotFound("EVIDENCE_NOT_AVAILABLE", "考勤照片已过保留期或不存在") from None


def _face_failures(project_id: int, user_id: int, taken_at: datetime) -> int:
    day = business_date(taken_at, rules_for(project_id))
    return db.session.scalar(select(func.count()).select_from(Clock).where(
        Clock.project_id == project_id, Clock.user_id == user_id, Clock.business_date == day,
        Clock.source == ClockSource.FACE.value,
        Clock.status.in_((ClockStatus.RETRY.value, ClockStatus.REJECTED.value)))) or 0


def witness_clock(leader_id: int, team_id: int, *, user_id: int, position: clocks.Position, direction: str,
                  taken_at: datetime, note: str) -> Clock:
    """The non-face alternative, for a worker without biometric consent or after repeated face failures."""
    team = team_for(leader_id, team_id, Action.ATTENDANCE_CONFIRM)
    refuse_own(leader_id, user_id, "ATTENDANCE_SELF_CONFIRM")
    if user_id not in {m.user_id for m in team_workers(team.id)}:
        raise Unprocessable("NOT_TEAM_MEMBER", "该工人不是本班组成员", {"user_id": user_id})
    failures = _face_failures(team.project_id, user_id, taken_at)
    if has_current_consent(user_id, "biometric") and failures < FACE_FAILURES_BEFORE_WITNESS:
        raise Unprocessable("WITNESS_NOT_ALLOWED",
                            f"该工人已同意人脸识别，人脸打卡失败 {FACE_FAILURES_BEFORE_WITNESS} 次后才能由班组长见证打卡",
                            {"face_failures_today": failures})
    return clocks.record_witnessed_clock(leader_id, project_id=team.project_id, team_id=team.id, user_id=user_id,
                                         direction=direction, position=position, taken_at=taken_at, note=note)
