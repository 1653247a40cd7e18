"""Clock in / out: record the attempt (never lost, never doubled), decide it when its selfie is checked.

The phone uploads the selfie first (a ``clock`` face check), then posts the clock with that
check's id. The clock is stored ``pending`` and attached to the check (purpose
``attendance.clock``); when the face job writes the result it hands the check over here
(``_clock_face_checked``), in its own transaction. A check decided before the clock arrived
is acted on at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from infra.jobs import enqueue
from models import Membership, MembershipStatus, Project, Role, db
from models.attendance import COUNTED_CLOCK_STATUSES, Clock, ClockSource, ClockStatus
from models.base import utcnow
from models.faces import FaceCheck, FaceCheckKind, FaceCheckStatus
from services import audit
from services.attendance import days, entry, fraud, geofence
from services.attendance.rules import (
    FACE_CHECK_WINDOW,
    LATE_AFTER,
    MAX_FUTURE_SKEW,
    Rules,
    business_date,
    rules_for,
)
from services.errors import Conflict, NotFound, ProjectNotFound, Unprocessable
from services.faces.handover import attach, on_face_check_finished

PURPOSE = "attendance.clock"
CHALLENGE_FAILURES = {"CHALLENGE_NOT_PERFORMED", "CHALLENGE_FACE_CHANGED"}


@dataclass(frozen=True)
class Position:
    lat: float
    lng: float
    accuracy_m: float


def worker_membership(user_id: int, project_id: int) -> Membership | None:
    return db.session.execute(select(Membership).where(
        Membership.user_id == user_id, Membership.project_id == project_id, Membership.role == Role.WORKER.value,
        Membership.status != MembershipStatus.LEFT.value)).scalar_one_or_none()


def _check_times(taken_at: datetime, now: datetime, rules: Rules) -> list[str]:
    if taken_at > now + MAX_FUTURE_SKEW:
        raise Unprocessable("CLOCK_SKEW", "手机时间与北京时间相差过大，请校准手机时间后重试",
                            {"taken_at": taken_at.isoformat(), "server_time": now.isoformat()})
    if now - taken_at > timedelta(hours=rules.late_upload_hours):
        raise Unprocessable("CLOCK_TOO_LATE", f"离线打卡超过 {rules.late_upload_hours} 小时未上传，已不能补传，请联系班组长",
                            {"late_upload_hours": rules.late_upload_hours})
    return ["LATE_UPLOAD"] if now - taken_at > LATE_AFTER else []


def _usable_face_check(user_id: int, project_id: int, check_id: int, taken_at: datetime) -> FaceCheck:
    check = db.session.get(FaceCheck, check_id)
    if check is None or check.user_id != user_id:
        raise NotFound("FACE_CHECK_NOT_FOUND", "人脸核验记录不存在")
    if check.kind != FaceCheckKind.CLOCK.value:
        raise Unprocessable("FACE_CHECK_KIND_INVALID", "请使用考勤自拍（kind=clock）打卡", {"kind": check.kind})
    if check.project_id not in (None, project_id):
        raise Unprocessable("FACE_CHECK_PROJECT_MISMATCH", "该自拍属于其他项目")
    if check.purpose is not None:
        raise Conflict("FACE_CHECK_USED", "该自拍已用于其他打卡，请重新拍照")
    if check.created_at < taken_at - FACE_CHECK_WINDOW:
        raise Unprocessable("FACE_CHECK_STALE", "自拍时间与打卡时间相差过大，请重新拍照打卡",
                            {"window_minutes": int(FACE_CHECK_WINDOW.total_seconds() // 60)})
    return check


def _mergeable(user_id: int, project_id: int, direction: str, taken_at: datetime, rules: Rules) -> Clock | None:
    """A counted clock of the same worker and direction a moment ago: the repeat tap is folded into it."""
    window = timedelta(minutes=rules.merge_window_minutes)
    return db.session.execute(select(Clock).where(
        Clock.user_id == user_id, Clock.project_id == project_id, Clock.direction == direction,
        Clock.status.in_(COUNTED_CLOCK_STATUSES), Clock.taken_at.between(taken_at - window, taken_at + window))
        .order_by(Clock.id).limit(1).with_for_update()).scalar_one_or_none()


def _flush_new(clock: Clock) -> None:
    try:
        with db.session.begin_nested():
            db.session.add(clock)
            db.session.flush()
    except IntegrityError:
        raise Conflict("FACE_CHECK_USED", "该自拍已用于其他打卡，请重新拍照") from None


def _merge(into: Clock, actor_user_id: int, face_check_id: int | None) -> Clock:
    into.merged_count += 1
    db.session.flush()
    audit.record("attendance.clock_merged", actor_user_id=actor_user_id, object_type="attendance_clock",
                 object_id=into.id, details={"face_check_id": face_check_id})
    return into


def record_clock(user_id: int, project_id: int, *, face_check_id: int, position: Position, direction: str,
                 taken_at: datetime, device_id: str | None = None) -> Clock:
    """The worker's own clock: 202 with the record (pending until its selfie is checked)."""
    now = utcnow()
    project = db.session.get(Project, project_id)
    membership = worker_membership(user_id, project_id)
    if project is None or membership is None:
        raise ProjectNotFound()
    rules = rules_for(project_id)
    time_flags = _check_times(taken_at, now, rules)
    day = business_date(taken_at, rules)
    gate_flags = entry.check_entry(user_id, project_id, day)
    check = _usable_face_check(user_id, project_id, face_check_id, taken_at)
    earlier = _mergeable(user_id, project_id, direction, taken_at, rules)
    if earlier is not None:
        return _merge(earlier, user_id, face_check_id)

    verdict = geofence.evaluate(project.geofence, position.lat, position.lng, position.accuracy_m)
    flags = verdict.flags + gate_flags + time_flags + fraud.flags_for(
        project_id=project_id, user_id=user_id, lat=position.lat, lng=position.lng, taken_at=taken_at,
        device_id=device_id)
    clock = Clock(project_id=project_id, user_id=user_id, team_id=membership.team_id, direction=direction,
                  source=ClockSource.FACE.value, taken_at=taken_at, received_at=now, business_date=day,
                  lat=position.lat, lng=position.lng, accuracy_m=position.accuracy_m,
                  distance_m=None if verdict.distance_m == float("inf") else verdict.distance_m,
                  device_id=device_id, face_check_id=check.id, status=ClockStatus.PENDING.value, flags=flags,
                  created_at=now)
    if verdict.reject_reason:
        clock.status, clock.reason_code, clock.decided_at = ClockStatus.REJECTED.value, verdict.reject_reason, now
    _flush_new(clock)
    # the check row before the audit head: the face job takes them in that order too (the other
    # order deadlocked on MariaDB under load, found by bench/clock_bench.py)
    still_pending = attach(check.id, PURPOSE, clock.id)
    audit.record("attendance.clock_recorded", actor_user_id=user_id, object_type="attendance_clock",
                 object_id=clock.id, details={"direction": direction, "status": clock.status, "flags": flags})
    if not still_pending:
        decide(clock, db.session.get(FaceCheck, check.id, populate_existing=True))
    return clock


def record_witnessed_clock(leader_user_id: int, *, project_id: int, team_id: int | None, user_id: int,
                           direction: str, position: Position, taken_at: datetime, note: str) -> Clock:
    """The non-face alternative: the leader saw the worker at the gate. Authorised by the caller."""
    now = utcnow()
    project = db.session.get(Project, project_id)
    rules = rules_for(project_id)
    time_flags = _check_times(taken_at, now, rules)
    day = business_date(taken_at, rules)
    gate_flags = entry.check_entry(user_id, project_id, day, witnessed=True)
    earlier = _mergeable(user_id, project_id, direction, taken_at, rules)
    if earlier is not None:
        return _merge(earlier, leader_user_id, None)
    verdict = geofence.evaluate(project.geofence, position.lat, position.lng, position.accuracy_m)
    flags = ["WITNESSED", *verdict.flags, *gate_flags, *time_flags, *fraud.flags_for(
        project_id=project_id, user_id=user_id, lat=position.lat, lng=position.lng, taken_at=taken_at,
        device_id=None)]
    clock = Clock(project_id=project_id, user_id=user_id, team_id=team_id, direction=direction,
                  source=ClockSource.WITNESSED.value, taken_at=taken_at, received_at=now, business_date=day,
                  lat=position.lat, lng=position.lng, accuracy_m=position.accuracy_m,
                  distance_m=None if verdict.distance_m == float("inf") else verdict.distance_m,
                  status=ClockStatus.FLAGGED.value, flags=flags, witnessed_by=leader_user_id, note=note,
                  decided_at=now, created_at=now)
    if verdict.reject_reason:
        clock.status, clock.reason_code = ClockStatus.REJECTED.value, verdict.reject_reason
    _flush_new(clock)
    audit.record("attendance.clock_witnessed", actor_user_id=leader_user_id, object_type="attendance_clock",
                 object_id=clock.id, details={"user_id": user_id, "direction": direction, "note": note,
                                              "status": clock.status})
    if clock.status != ClockStatus.REJECTED.value:
        days.clock_counted(clock)
    return clock


def _outcome(check: FaceCheck) -> tuple[str, str | None]:
    """What a finished face check means for the clock: only a failed match or a failed challenge rejects."""
    if check.status == FaceCheckStatus.PASSED.value:
        return ClockStatus.ACCEPTED.value, None
    if check.status == FaceCheckStatus.ERROR.value:
        return ClockStatus.RETRY.value, "FACE_SERVICE_RETRY"
    code = check.reason_code
    if code == "FACE_MISMATCH":
        return ClockStatus.REJECTED.value, "FACE_MISMATCH"
    if code in CHALLENGE_FAILURES or (code == "SPOOF_SUSPECTED" and check.liveness_mode == "challenge"):
        return ClockStatus.REJECTED.value, "CHALLENGE_FAILED"
    if code == "SPOOF_SUSPECTED":
        return ClockStatus.RETRY.value, "LIVENESS_RETRY"  # passive anti-spoof says no: not fraud
    return ClockStatus.RETRY.value, "FACE_RETRY"  # no face, blurry, dark, expired challenge…


def decide(clock: Clock, check: FaceCheck) -> None:
    if clock.status != ClockStatus.PENDING.value or check.status == FaceCheckStatus.PENDING.value:
        return
    status, reason = _outcome(check)
    if status == ClockStatus.ACCEPTED.value and clock.flags:
        status = ClockStatus.FLAGGED.value
    clock.status, clock.reason_code, clock.decided_at = status, reason, utcnow()
    db.session.flush()
    audit.record("attendance.clock_decided", actor_user_id=None, object_type="attendance_clock",
                 object_id=clock.id, details={"status": status, "reason": reason, "face_check_id": check.id})
    if reason == "FACE_MISMATCH":
        # whose face is it? searched on the face queue, where the models are loaded
        enqueue("workers.attendance.buddy_search_job", clock.id, queue="face", retry_max=2,
                job_id=f"attendance-buddy-{clock.id}")
    if status in COUNTED_CLOCK_STATUSES:
        days.clock_counted(clock)


@on_face_check_finished(PURPOSE)
def _clock_face_checked(check: FaceCheck) -> None:
    clock = db.session.execute(select(Clock).where(Clock.id == check.purpose_id).with_for_update()).scalar_one_or_none()
    if clock is not None:
        decide(clock, check)


def get_clock(clock_id: int) -> Clock:
    clock = db.session.get(Clock, clock_id)
    if clock is None:
        raise NotFound("CLOCK_NOT_FOUND", "打卡记录不存在")
    return clock
