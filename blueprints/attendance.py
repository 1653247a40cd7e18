"""Attendance: clock in/out, the worker's month and disputes, the leader's day, confirmation, the sheet."""

from __future__ import annotations

from flask import Response, url_for

from blueprints.api import XLSX, actor_id, answer, api_blueprint, download, login_required, writes
from blueprints.contract import raises
from blueprints.miniprogram import media_url
from blueprints.mobile import etag, polled
from models.attendance import AttendanceDay, Clock, DayCorrection, Dispute
from schemas.attendance import (
    ClockAccepted,
    ClockIn,
    ClockOut,
    ClockPath,
    ConfirmedDay,
    ConfirmIn,
    ConfirmOut,
    CorrectionOut,
    DisputeIn,
    DisputeOut,
    DisputePath,
    FlagOut,
    MonthQuery,
    MyDayOut,
    MyDayPath,
    MyMonthOut,
    ResolveIn,
    TeamDayItem,
    TeamDayOut,
    TeamDayPath,
    TeamMonthQuery,
    WitnessedClockIn,
)
from schemas.common import TeamPath
from services.attendance import access, clocks, confirmation, disputes, export, mine
from services.attendance.reasons import DAY_STATUS_TEXT, clock_reason, explain_flags
from services.miniprogram import POLL_SECONDS

bp = api_blueprint("attendance", __name__, "attendance", "考勤：自拍+定位打卡、见证打卡、班组长确认、异议、考勤表")


def flags_out(codes: list[str] | None) -> list[FlagOut]:
    return [FlagOut(**f) for f in explain_flags(codes)]


def clock_out(c: Clock, *, fraud_detail: bool = False, evidence: bool = False) -> ClockOut:
    return ClockOut(
        id=c.id, project_id=c.project_id, user_id=c.user_id, team_id=c.team_id, direction=c.direction,
        source=c.source, status=c.status, reason_code=c.reason_code, message=clock_reason(c.reason_code),
        flags=flags_out(c.flags), taken_at=c.taken_at, received_at=c.received_at, date=c.business_date,
        lat=c.lat, lng=c.lng, accuracy_m=c.accuracy_m, distance_m=c.distance_m, face_check_id=c.face_check_id,
        merged_count=c.merged_count, witnessed_by=c.witnessed_by, note=c.note,
        buddy_user_id=c.buddy_user_id if fraud_detail else None,
        # <image src> sends no token: a short-lived link signed for this viewer (blueprints/miniprogram.py)
        photo_url=media_url("clock-photo", c.id, actor_id()) if evidence and c.face_check_id else None,
    )


def dispute_out(d: Dispute) -> DisputeOut:
    return DisputeOut(id=d.id, project_id=d.project_id, user_id=d.user_id, date=d.business_date, reason=d.reason,
                      status=d.status, resolution=d.resolution, resolved_by=d.resolved_by, resolved_at=d.resolved_at,
                      created_at=d.created_at)


def correction_out(c: DayCorrection) -> CorrectionOut:
    return CorrectionOut(from_status=c.from_status, from_worked_minutes=c.from_worked_minutes,
                         to_status=c.to_status, to_worked_minutes=c.to_worked_minutes, reason=c.reason,
                         corrected_at=c.created_at)


def position(body) -> clocks.Position:
    return clocks.Position(body.lat, body.lng, body.accuracy_m)


@bp.post("/attendance/clocks", responses={202: ClockAccepted},
         summary="打卡（先上传考勤自拍，再提交定位；请带 Idempotency-Key）")
@login_required
@raises("PROJECT_NOT_FOUND", "ENTRY_REFUSED", "CLOCK_SKEW", "CLOCK_TOO_LATE", "FACE_CHECK_NOT_FOUND",
        "FACE_CHECK_KIND_INVALID", "FACE_CHECK_PROJECT_MISMATCH", "FACE_CHECK_USED", "FACE_CHECK_STALE")
def create_clock(body: ClockIn):
    clock = clocks.record_clock(actor_id(), body.project_id, face_check_id=body.face_check_id, position=position(body),
                                direction=body.direction, taken_at=body.taken_at, device_id=body.device_id)
    # a repeat folded into an earlier clock answers with that clock (its selfie is another one)
    merged = clock.face_check_id != body.face_check_id
    pending = clock.status == "pending"
    poll_url = url_for("attendance.get_clock", clock_id=clock.id, _external=True)
    return answer(ClockAccepted(id=clock.id, status=clock.status, merged=merged, poll_url=poll_url,
                                retry_after=POLL_SECONDS if pending else 0), 202,
                  {"Retry-After": str(POLL_SECONDS if pending else 0)})


@bp.get("/attendance/clocks/<int:clock_id>", responses={200: ClockOut}, summary="查询打卡结果（含原因与标记）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "CLOCK_NOT_FOUND")
@etag
@polled
def get_clock(path: ClockPath):
    view = access.clock_for(actor_id(), path.clock_id)
    pending = view.clock.status == "pending"
    return answer(clock_out(view.clock, fraud_detail=view.fraud_detail, evidence=view.evidence),
                  headers={"Retry-After": str(POLL_SECONDS)} if pending else None)


@bp.get("/attendance/clocks/<int:clock_id>/photo", summary="查看考勤照片（班组长、劳资专管员；每次查看记录审计）",
        responses={200: None})
@login_required
@writes
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "CLOCK_NOT_FOUND", "EVIDENCE_NOT_AVAILABLE", "STORAGE_UNAVAILABLE")
def get_clock_photo(path: ClockPath):
    mimetype, chunks = access.clock_photo_stream(actor_id(), path.clock_id)
    return Response(chunks, mimetype=mimetype)


@bp.post("/teams/<int:team_id>/witnessed-clocks", responses={201: ClockOut},
         summary="班组长见证打卡（不使用人脸识别的替代方式，标记 WITNESSED）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "TEAM_NOT_FOUND", "NOT_TEAM_MEMBER", "WITNESS_NOT_ALLOWED",
        "ENTRY_REFUSED", "CLOCK_SKEW", "CLOCK_TOO_LATE", "FACE_CHECK_USED", "ATTENDANCE_SELF_CONFIRM")
def create_witnessed_clock(path: TeamPath, body: WitnessedClockIn):
    clock = access.witness_clock(actor_id(), path.team_id, user_id=body.user_id, position=position(body),
                                 direction=body.direction, taken_at=body.taken_at, note=body.note)
    return answer(clock_out(clock), 201)


def day_item(m: confirmation.MemberDay, fraud_detail: bool) -> TeamDayItem:
    d: AttendanceDay | None = m.day
    return TeamDayItem(
        user_id=m.user_id, name_masked=m.name_masked, status=d.status if d else "absent",
        worked_minutes=d.worked_minutes if d else 0, computed_status=d.computed_status if d else "absent",
        computed_worked_minutes=d.computed_worked_minutes if d else 0, first_in=d.first_in if d else None,
        last_out=d.last_out if d else None,
        flags=flags_out(sorted({*(d.flags if d else []), *(f for c in m.clocks for f in c.flags or [])})),
        confirmed=bool(d and d.confirmed_at), confirmed_at=d.confirmed_at if d else None,
        corrected=bool(d and d.corrected),
        clocks=[clock_out(c, fraud_detail=fraud_detail, evidence=True) for c in m.clocks],
    )


@bp.get("/teams/<int:team_id>/days/<date>", responses={200: TeamDayOut},
        summary="班组某日考勤（班组长、劳资专管员）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "TEAM_NOT_FOUND")
def get_team_day(path: TeamDayPath):
    day = confirmation.team_day(actor_id(), path.team_id, path.date)
    return answer(TeamDayOut(team_id=day.team.id, date=day.date, locked=day.locked,
                             items=[day_item(m, day.fraud_detail) for m in day.members]))


@bp.post("/teams/<int:team_id>/days/<date>/confirm", responses={200: ConfirmOut},
         summary="确认班组某日考勤（可带更正，更正须写原因）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "TEAM_NOT_FOUND", "ATTENDANCE_LOCKED", "DAY_IN_FUTURE",
        "NOT_TEAM_MEMBER", "CORRECTION_REASON_REQUIRED", "DAY_STATUS_INVALID", "ATTENDANCE_SELF_CONFIRM", "DAY_OF_OTHER_TEAM")
def confirm_team_day(path: TeamDayPath, body: ConfirmIn):
    fixes = [confirmation.Correction(c.user_id, c.status, c.worked_minutes, c.reason) for c in body.corrections or []]
    rows = confirmation.confirm_days(actor_id(), path.team_id, path.date, body.user_ids, fixes)
    return answer(ConfirmOut(items=[ConfirmedDay(user_id=r.user_id, date=r.business_date, status=r.status,
                                                 worked_minutes=r.worked_minutes, corrected=r.corrected,
                                                 confirmed_at=r.confirmed_at) for r in rows]))


@bp.get("/me/attendance", responses={200: MyMonthOut}, summary="我的月度考勤（每天的状态、确认、更正与原因）")
@login_required
@raises("PROJECT_NOT_FOUND")
def my_attendance(query: MonthQuery):
    items = []
    for d in mine.my_month(actor_id(), query.project_id, query.month):
        row = d.row
        items.append(MyDayOut(
            date=d.date, status=d.status, status_text=DAY_STATUS_TEXT[d.status], worked_minutes=d.worked_minutes,
            first_in=row.first_in if row else None, last_out=row.last_out if row else None,
            confirmed=bool(row and row.confirmed_at), confirmed_at=row.confirmed_at if row else None,
            corrections=[correction_out(c) for c in d.corrections],
            flags=flags_out(sorted({*(row.flags if row else []), *(f for c in d.clocks for f in c.flags or [])})),
            explanation=d.explanation, clocks=[clock_out(c) for c in d.clocks],
            disputes=[dispute_out(x) for x in d.disputes], locked=d.locked))
    return answer(MyMonthOut(items=items))


@bp.post("/me/attendance/<date>/disputes", responses={201: DisputeOut}, summary="对某天考勤提出异议")
@login_required
@raises("PROJECT_NOT_FOUND", "DAY_IN_FUTURE", "DISPUTE_ALREADY_OPEN")
def open_dispute(path: MyDayPath, body: DisputeIn):
    return answer(dispute_out(disputes.open_dispute(actor_id(), body.project_id, path.date, body.reason)), 201)


@bp.post("/disputes/<int:dispute_id>/resolve", responses={200: DisputeOut},
         summary="答复考勤异议（班组长、劳资专管员）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "DISPUTE_NOT_FOUND", "DISPUTE_ALREADY_RESOLVED", "ATTENDANCE_SELF_CONFIRM")
def resolve_dispute(path: DisputePath, body: ResolveIn):
    return answer(dispute_out(disputes.resolve_dispute(actor_id(), path.dispute_id, body.resolution)))


@bp.get("/teams/<int:team_id>/attendance.xlsx", summary="班组月度考勤表（Excel，中文表头）", responses={200: None})
@login_required
@writes
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "TEAM_NOT_FOUND")
def team_sheet(path: TeamPath, query: TeamMonthQuery):
    team, chunks = export.team_month_sheet(actor_id(), path.team_id, query.month)
    return download(chunks, XLSX, f"attendance-team{team.id}-{query.month}.xlsx")
