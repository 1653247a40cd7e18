"""Demo attendance: the demo team's last 30 days, as the gate would have recorded them.

Clocks are written as records (no selfies are run for a month of demo data), then aggregated,
confirmed and disputed through the same service functions the routes use. Running it twice
changes nothing.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select

from models import Membership, MembershipStatus, Role, Team, User, db
from models.attendance import Clock, ClockSource, ClockStatus
from models.base import utcnow
from services.attendance import confirmation, days, disputes
from services.attendance.rules import SHANGHAI, business_today, rules_for

# surnames no other demo worker has: a payroll blocker (the crew have no profile, card or contract)
# must not read as if it were about another worker's line with the same masked name
EXTRA_WORKERS = {"demo-crew-1": "钱*", "demo-crew-2": "冯*", "demo-crew-3": "蒋*", "demo-crew-4": "韩*"}
CENTER = (22.543096, 114.057865)


def _worker(openid: str, name: str, project_id: int, team_id: int) -> int:
    user = db.session.execute(select(User).where(User.openid == openid)).scalar_one_or_none()
    if user is None:
        user = User(openid=openid, display_name=name)
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(project_id=project_id, user_id=user.id, role=Role.WORKER.value, team_id=team_id,
                                  status=MembershipStatus.ACTIVE.value))
        db.session.flush()
    return user.id


def _clock(project_id: int, team_id: int, user_id: int, day, direction: str, at: time, rng: random.Random,
           flags: list[str], source: str = ClockSource.FACE.value, witness: int | None = None) -> Clock:
    taken = datetime.combine(day, at, SHANGHAI)
    late = "LATE_UPLOAD" in flags
    accuracy = 250.0 if "LOW_ACCURACY" in flags else round(rng.uniform(8, 40), 1)
    clock = Clock(project_id=project_id, user_id=user_id, team_id=team_id, direction=direction, source=source,
                  taken_at=taken, received_at=taken + timedelta(hours=2 if late else 0, seconds=rng.randint(1, 9)),
                  business_date=day, lat=round(CENTER[0] + rng.uniform(-8e-4, 8e-4), 7),
                  lng=round(CENTER[1] + rng.uniform(-8e-4, 8e-4), 7), accuracy_m=accuracy, distance_m=0.0,
                  status=ClockStatus.FLAGGED.value if flags else ClockStatus.ACCEPTED.value, flags=flags,
                  witnessed_by=witness, note="手机人脸识别多次失败，班组长现场见证" if witness else None,
                  decided_at=taken + timedelta(seconds=5), created_at=taken)
    db.session.add(clock)
    return clock


def seed_attendance(project_id: int, team_id: int) -> int:
    """Returns the number of clocks written (0 when the demo already has attendance)."""
    if db.session.execute(select(Clock.id).where(Clock.project_id == project_id).limit(1)).first():
        return 0
    team = db.session.get(Team, team_id)
    workers = [m.user_id for m in db.session.execute(select(Membership).where(
        Membership.team_id == team_id, Membership.role == Role.WORKER.value,
        Membership.status == MembershipStatus.ACTIVE.value)).scalars()]
    workers += [_worker(openid, name, project_id, team_id) for openid, name in EXTRA_WORKERS.items()]
    workers = sorted(set(workers))
    today = business_today(utcnow(), rules_for(project_id))
    rng = random.Random(20261126)
    witnessed_day = next(d for d in (today - timedelta(days=n) for n in (12, 13)) if d.weekday() != 6)
    written = 0
    for back in range(30, 0, -1):
        day = today - timedelta(days=back)
        if day.weekday() == 6:
            continue  # Sundays off
        for index, user_id in enumerate(workers):
            witnessed = index == 1 and day == witnessed_day
            roll = 0.5 if witnessed else rng.random()
            if roll < 0.06:
                continue  # absent
            came = time(6, 40 + rng.randint(0, 19))
            left = time(17, rng.randint(10, 50))
            in_flags = ["LATE_UPLOAD"] if rng.random() < 0.05 else []
            out_flags = ["LOW_ACCURACY"] if rng.random() < 0.05 else []
            if witnessed:  # face kept failing: the leader witnessed the clock-in
                _clock(project_id, team_id, user_id, day, "in", came, rng, ["WITNESSED"], ClockSource.WITNESSED.value,
                       team.leader_user_id)
            else:
                _clock(project_id, team_id, user_id, day, "in", came, rng, in_flags)
            written += 1
            if roll >= 0.10:  # below: forgot to clock out (missing_out)
                out_at = time(11, 40 + rng.randint(0, 19)) if roll < 0.16 else left  # a half day
                _clock(project_id, team_id, user_id, day, "out", out_at, rng, out_flags)
                written += 1
        db.session.flush()
        for user_id in workers:
            days.recompute_day(project_id, user_id, day, team_id)
        if back > 3 and team.leader_user_id:  # the leader confirms a few days behind
            confirmation.confirm_days(team.leader_user_id, team_id, day, None, [])
    disputed = today - timedelta(days=5 if (today - timedelta(days=5)).weekday() != 6 else 6)
    disputes.open_dispute(workers[0], project_id, disputed, "那天下午我在三号楼绑钢筋，一直干到五点半，应算全天")
    return written
