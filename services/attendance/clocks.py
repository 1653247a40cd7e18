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
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached

from infra.jobs import enqueue
from models import Membership, MembershipStatus, Project, Role, db
from models.attendance import COUNTED_CLOCK_STATUSES, AttendanceRules, Clock, ClockSource, ClockStatus
from models.base import utcnow
from models.faces import FaceCheck, FaceCheckKind, FaceCheckStatus
from services import audit
from services.attendance import days, entry, fraud, geofence
from services.attendance.rules import (
    FACE_CHECK_WINDOW,
    LATE_AFTER,
    MAX_FUTURE_SKEW,
    RULE_COLUMNS,
    Rules,
    business_date,
    rules_from,
)
from services.enrollment.gate import FACTS_COLUMNS, FACTS_FROM, PROJECT, facts_from, facts_params
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


_CHECK_COLUMNS = (FaceCheck.id.label("check_id"), FaceCheck.user_id.label("check_user_id"),
                  FaceCheck.kind.label("check_kind"), FaceCheck.project_id.label("check_project_id"),
                  FaceCheck.purpose.label("check_purpose"), FaceCheck.created_at.label("check_created_at"))
# Everything a clock is checked against, in one query built once: the entry gate's facts
# (membership, contract, training, consents), the project's fence and rules, and the selfie's
# check (someone else's is not found: joined through the membership's user; None: no check).
_LOOKUP = (select(*FACTS_COLUMNS, Project.geofence, Membership.team_id, *RULE_COLUMNS, *_CHECK_COLUMNS)
           .select_from(FACTS_FROM.outerjoin(AttendanceRules, AttendanceRules.project_id == Project.id)
                        .outerjoin(FaceCheck, (FaceCheck.id == bindparam("check_id"))
                                   & (FaceCheck.user_id == Membership.user_id)))
           .where(Project.id == PROJECT))


def _lookup(user_id: int, project_id: int, check_id: int | None) -> Any:
    params = {**facts_params(user_id, project_id), "check_id": check_id}
    return db.session.connection().execute(_LOOKUP, params).one_or_none()


def _check_times(taken_at: datetime, now: datetime, rules: Rules) -> list[str]:
    if taken_at > now + MAX_FUTURE_SKEW:
        raise Unprocessable("CLOCK_SKEW", "手机时间与北京时间相差过大，请校准手机时间后重试",
                            {"taken_at": taken_at.isoformat(), "server_time": now.isoformat()})
    if now - taken_at > timedelta(hours=rules.late_upload_hours):
        raise Unprocessable("CLOCK_TOO_LATE", f"离线打卡超过 {rules.late_upload_hours} 小时未上传，已不能补传，请联系班组长",
                            {"late_upload_hours": rules.late_upload_hours})
    return ["LATE_UPLOAD"] if now - taken_at > LATE_AFTER else []


def _check_usable_face_check(row: Any, user_id: int, project_id: int, taken_at: datetime) -> None:
    if row.check_id is None or row.check_user_id != user_id:
        raise NotFound("FACE_CHECK_NOT_FOUND", "人脸核验记录不存在")
    if row.check_kind != FaceCheckKind.CLOCK.value:
        raise Unprocessable("FACE_CHECK_KIND_INVALID", "请使用考勤自拍（kind=clock）打卡", {"kind": row.check_kind})
    if row.check_project_id not in (None, project_id):
        raise Unprocessable("FACE_CHECK_PROJECT_MISMATCH", "该自拍属于其他项目")
    if row.check_purpose is not None:
        raise Conflict("FACE_CHECK_USED", "该自拍已用于其他打卡，请重新拍照")
    if row.check_created_at < taken_at - FACE_CHECK_WINDOW:
        raise Unprocessable("FACE_CHECK_STALE", "自拍时间与打卡时间相差过大，请重新拍照打卡",
                            {"window_minutes": int(FACE_CHECK_WINDOW.total_seconds() // 60)})


_MERGEABLE = (select(Clock.id).where(
    Clock.user_id == bindparam("user_id"), Clock.project_id == bindparam("project_id"),
    Clock.direction == bindparam("direction"), Clock.status.in_(COUNTED_CLOCK_STATUSES),
    Clock.taken_at.between(bindparam("earliest"), bindparam("latest"))).order_by(Clock.id).limit(1).with_for_update())


def _mergeable(user_id: int, project_id: int, direction: str, taken_at: datetime, rules: Rules) -> Clock | None:
    """A counted clock of the same worker and direction a moment ago: the repeat tap is folded into it."""
    window = timedelta(minutes=rules.merge_window_minutes)
    found = db.session.connection().execute(_MERGEABLE, {
        "user_id": user_id, "project_id": project_id, "direction": direction, "earliest": taken_at - window,
        "latest": taken_at + window}).scalar_one_or_none()
    return None if found is None else db.session.get(Clock, found, populate_existing=True)  # locked: as it stands


_CLOCK_TABLE = Clock.__table__
_INSERT_CLOCK = insert(_CLOCK_TABLE)


def _insert_new(clock: Clock) -> None:
    """One INSERT and no savepoint: a face check a concurrent clock took fails this statement alone
    (MariaDB and SQLite keep the transaction), answered 409. The object then joins the session as
    the stored row, every column set, so reading it back costs nothing."""
    values = {}
    for column in _CLOCK_TABLE.columns:
        if column.key == "id":
            continue
        value = getattr(clock, column.key)
        if value is None and column.default is not None:  # what the ORM would have filled in
            value = column.default.arg(None) if column.default.is_callable else column.default.arg
            setattr(clock, column.key, value)
        values[column.key] = value
    try:
        result = db.session.execute(_INSERT_CLOCK, values)
    except IntegrityError as exc:
        if "face_check_id" not in str(exc.orig):
            raise
        raise Conflict("FACE_CHECK_USED", "该自拍已用于其他打卡，请重新拍照") from None
    clock.id = int(result.inserted_primary_key[0])
    make_transient_to_detached(clock)
    db.session.add(clock)


def _merge(into: Clock, actor_user_id: int, face_check_id: int | None) -> Clock:
    into.merged_count += 1
    db.session.flush()
    audit.record("attendance.clock_merged", actor_user_id=actor_user_id, object_type="attendance_clock",
                 object_id=into.id, details={"face_check_id": face_check_id})
    return into


def _fraud_flags(clock: Clock, before_id: int | None = None) -> list[str]:
    return fraud.flags_for(project_id=clock.project_id, user_id=clock.user_id, lat=clock.lat, lng=clock.lng,
                           taken_at=clock.taken_at, device_id=clock.device_id, before_id=before_id)


def record_clock(user_id: int, project_id: int, *, face_check_id: int, position: Position, direction: str,
                 taken_at: datetime, device_id: str | None = None) -> Clock:
    """The worker's own clock: 202 with the record (pending until its selfie is checked; the
    anti-fraud flags are added then, by ``decide``)."""
    now = utcnow()
    row = _lookup(user_id, project_id, face_check_id)
    facts = facts_from(row)
    if facts.membership_id is None or facts.membership_status == MembershipStatus.LEFT.value:
        raise ProjectNotFound()
    rules = rules_from(row)
    time_flags = _check_times(taken_at, now, rules)
    day = business_date(taken_at, rules)
    gate_flags = entry.check_entry(facts, user_id, project_id, day)
    _check_usable_face_check(row, user_id, project_id, taken_at)
    earlier = _mergeable(user_id, project_id, direction, taken_at, rules)
    if earlier is not None:
        return _merge(earlier, user_id, face_check_id)

    verdict = geofence.evaluate(row.geofence, position.lat, position.lng, position.accuracy_m)
    clock = Clock(project_id=project_id, user_id=user_id, team_id=row.team_id, direction=direction,
                  source=ClockSource.FACE.value, taken_at=taken_at, received_at=now, business_date=day,
                  lat=position.lat, lng=position.lng, accuracy_m=position.accuracy_m,
                  distance_m=None if verdict.distance_m == float("inf") else verdict.distance_m,
                  device_id=device_id, face_check_id=face_check_id, status=ClockStatus.PENDING.value,
                  flags=verdict.flags + gate_flags + time_flags, created_at=now)
    if verdict.reject_reason:  # decided now: never handed to decide()
        clock.status, clock.reason_code, clock.decided_at = ClockStatus.REJECTED.value, verdict.reject_reason, now
        clock.flags = clock.flags + _fraud_flags(clock)
    _insert_new(clock)
    still_pending = attach(face_check_id, PURPOSE, clock.id)
    audit.record("attendance.clock_recorded", actor_user_id=user_id, object_type="attendance_clock",
                 object_id=clock.id, details={"direction": direction, "status": clock.status, "flags": clock.flags})
    if not still_pending:
        decide(clock, db.session.get(FaceCheck, face_check_id, populate_existing=True))
    return clock


def record_witnessed_clock(leader_user_id: int, *, project_id: int, team_id: int | None, user_id: int,
                           direction: str, position: Position, taken_at: datetime, note: str) -> Clock:
    """The non-face alternative: the leader saw the worker at the gate. Authorised by the caller."""
    now = utcnow()
    row = _lookup(user_id, project_id, None)
    rules = rules_from(row)
    time_flags = _check_times(taken_at, now, rules)
    day = business_date(taken_at, rules)
    gate_flags = entry.check_entry(facts_from(row), user_id, project_id, day, witnessed=True)
    earlier = _mergeable(user_id, project_id, direction, taken_at, rules)
    if earlier is not None:
        return _merge(earlier, leader_user_id, None)
    verdict = geofence.evaluate(row.geofence, position.lat, position.lng, position.accuracy_m)
    clock = Clock(project_id=project_id, user_id=user_id, team_id=team_id, direction=direction,
                  source=ClockSource.WITNESSED.value, taken_at=taken_at, received_at=now, business_date=day,
                  lat=position.lat, lng=position.lng, accuracy_m=position.accuracy_m,
                  distance_m=None if verdict.distance_m == float("inf") else verdict.distance_m,
                  status=ClockStatus.FLAGGED.value, witnessed_by=leader_user_id, note=note,
                  decided_at=now, created_at=now)
    clock.flags = ["WITNESSED", *verdict.flags, *gate_flags, *time_flags, *_fraud_flags(clock)]
    if verdict.reject_reason:
        clock.status, clock.reason_code = ClockStatus.REJECTED.value, verdict.reject_reason
    _insert_new(clock)
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
    """The selfie's result and the anti-fraud flags (against the clocks recorded before this one)."""
    if clock.status != ClockStatus.PENDING.value or check.status == FaceCheckStatus.PENDING.value:
        return
    fraud_flags = [f for f in _fraud_flags(clock, before_id=clock.id) if f not in clock.flags]
    if fraud_flags:
        clock.flags = [*clock.flags, *fraud_flags]
    status, reason = _outcome(check)
    if status == ClockStatus.ACCEPTED.value and clock.flags:
        status = ClockStatus.FLAGGED.value
    clock.status, clock.reason_code, clock.decided_at = status, reason, utcnow()
    db.session.flush()
    audit.record("attendance.clock_decided", actor_user_id=None, object_type="attendance_clock",
                 object_id=clock.id, details={"status": status, "reason": reason, "face_check_id": check.id,
                                              **({"fraud_flags": fraud_flags} if fraud_flags else {})})
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
