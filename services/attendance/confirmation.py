"""The team leader's day: every member's day with its clocks, then confirm (with corrections)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from models import Team, db
from models.attendance import AttendanceDay, Clock, DayCorrection, DayStatus
from models.base import utcnow
from services import audit
from services.attendance.days import day_row
from services.attendance.locks import refuse_if_locked
from services.attendance.people import masked_names, team_workers
from services.attendance.rules import business_today, rules_for
from services.authz import Action, authorize, may, refuse_own
from services.errors import Forbidden, NotFound, Unprocessable


@dataclass(frozen=True)
class Correction:
    user_id: int
    status: str
    worked_minutes: int
    reason: str | None


@dataclass
class MemberDay:
    user_id: int
    name_masked: str
    day: AttendanceDay | None
    clocks: list[Clock]


@dataclass
class TeamDay:
    team: Team
    date: date
    members: list[MemberDay]
    fraud_detail: bool  # the caller may see whose face a buddy punch matched
    locked: bool


def team_for(actor_id: int, team_id: int, action: Action) -> Team:
    team = db.session.get(Team, team_id)
    if team is None:
        raise NotFound("TEAM_NOT_FOUND", "班组不存在")
    authorize(actor_id, action, team.project_id, team_id=team.id)
    return team


def team_day(actor_id: int, team_id: int, day: date) -> TeamDay:
    from services.attendance.locks import is_locked

    team = team_for(actor_id, team_id, Action.ATTENDANCE_CONFIRM)
    user_ids = [m.user_id for m in team_workers(team.id)]
    rows = {d.user_id: d for d in db.session.execute(select(AttendanceDay).where(
        AttendanceDay.project_id == team.project_id, AttendanceDay.business_date == day,
        AttendanceDay.user_id.in_(user_ids))).scalars()} if user_ids else {}
    clocks: dict[int, list[Clock]] = {uid: [] for uid in user_ids}
    if user_ids:
        for c in db.session.execute(select(Clock).where(
                Clock.project_id == team.project_id, Clock.business_date == day, Clock.user_id.in_(user_ids))
                .order_by(Clock.taken_at, Clock.id)).scalars():
            clocks[c.user_id].append(c)
    names = masked_names(user_ids)
    return TeamDay(team, day, [MemberDay(uid, names.get(uid, ""), rows.get(uid), clocks[uid]) for uid in user_ids],
                   may(actor_id, Action.ATTENDANCE_FRAUD_DETAIL, team.project_id),
                   is_locked(team.project_id, day))


def _correct(row: AttendanceDay, fix: Correction, actor_id: int) -> None:
    if not (fix.reason or "").strip():
        raise Unprocessable("CORRECTION_REASON_REQUIRED", "更正考勤必须填写原因", {"user_id": fix.user_id})
    if fix.status not in {s.value for s in DayStatus}:
        raise Unprocessable("DAY_STATUS_INVALID", "考勤状态不正确", {"status": fix.status})
    db.session.add(DayCorrection(day_id=row.id, from_status=row.status, from_worked_minutes=row.worked_minutes,
                                 to_status=fix.status, to_worked_minutes=fix.worked_minutes,
                                 reason=fix.reason.strip(), corrected_by=actor_id, created_at=utcnow()))
    audit.record("attendance.day_corrected", actor_user_id=actor_id, object_type="attendance_day", object_id=row.id,
                 details={"from": [row.status, row.worked_minutes], "to": [fix.status, fix.worked_minutes],
                          "computed": [row.computed_status, row.computed_worked_minutes], "reason": fix.reason})
    row.status, row.worked_minutes, row.corrected = fix.status, fix.worked_minutes, True


def confirm_days(actor_id: int, team_id: int, day: date, user_ids: list[int] | None,
                 corrections: list[Correction]) -> list[AttendanceDay]:
    """Confirm the listed members' days (all of the team's when none are listed), correcting some."""
    team = team_for(actor_id, team_id, Action.ATTENDANCE_CONFIRM)
    refuse_if_locked(team.project_id, day)
    if day > business_today(utcnow(), rules_for(team.project_id)):
        raise Unprocessable("DAY_IN_FUTURE", "不能确认尚未到来的日期")
    members = {m.user_id: m for m in team_workers(team.id)}
    fixes = {c.user_id: c for c in corrections}
    targets = list(dict.fromkeys([*(user_ids if user_ids else members), *fixes]))
    recorded = _recorded_teams(team.project_id, day, targets)
    # a day belongs to the team it was recorded in: a worker moved since is confirmed there, by that
    # team's leader (or the labour manager), never by the new team's leader
    elsewhere = [uid for uid in targets if recorded.get(uid, team.id) not in (team.id, None)
                 and not may(actor_id, Action.ATTENDANCE_CONFIRM, team.project_id, team_id=recorded[uid])]
    if elsewhere:
        if not user_ids and not fixes:
            targets = [uid for uid in targets if uid not in elsewhere]
        else:
            raise Forbidden("DAY_OF_OTHER_TEAM", details={"user_ids": elsewhere, "date": day.isoformat()})
    strangers = [uid for uid in targets if uid not in members and recorded.get(uid) != team.id]
    if strangers:
        raise Unprocessable("NOT_TEAM_MEMBER", "所列工人不是本班组成员", {"user_ids": strangers})
    if user_ids or fixes:
        refuse_own(actor_id, targets, "ATTENDANCE_SELF_CONFIRM", date=day.isoformat())
    else:
        targets = [uid for uid in targets if uid != actor_id]  # "the whole team" never includes the confirmer
    now, confirmed = utcnow(), []
    for uid in targets:
        row = day_row(team.project_id, uid, day, team.id)
        if uid in fixes:
            _correct(row, fixes[uid], actor_id)
        row.confirmed_at, row.confirmed_by, row.updated_at = now, actor_id, now
        confirmed.append(row)
    db.session.flush()
    audit.record("attendance.days_confirmed", actor_user_id=actor_id, object_type="team", object_id=team.id,
                 details={"date": day.isoformat(), "user_ids": targets, "corrected": sorted(fixes)})
    return confirmed


def _recorded_teams(project_id: int, day: date, user_ids: list[int]) -> dict[int, int | None]:
    """The team each listed worker's day was recorded in (for the days that have a row)."""
    if not user_ids:
        return {}
    return dict(db.session.execute(select(AttendanceDay.user_id, AttendanceDay.team_id).where(
        AttendanceDay.project_id == project_id, AttendanceDay.business_date == day,
        AttendanceDay.user_id.in_(user_ids))).all())


def corrections_of(day_ids: list[int]) -> dict[int, list[DayCorrection]]:
    out: dict[int, list[DayCorrection]] = {}
    if day_ids:
        for c in db.session.execute(select(DayCorrection).where(DayCorrection.day_id.in_(day_ids))
                                    .order_by(DayCorrection.id)).scalars():
            out.setdefault(c.day_id, []).append(c)
    return out
