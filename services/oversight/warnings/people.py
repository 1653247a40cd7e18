"""Warning rules read from enrollment and attendance: grouped queries per batch of projects, none per project."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select

from models import Contract, Membership, MembershipStatus, Role, db
from models.attendance import AttendanceDay, Clock
from services.attendance.worth import WORKED  # what a day is worth: attendance's one rule
from services.contracts.in_force import (  # contracts' one "in force"
    BOTH_SIGNED,
    in_force,
    in_force_throughout_sql,
    terms_columns,
)
from services.days import business_day
from services.enrollment.rules import TRAINING_LEVELS
from services.enrollment.training import (  # enrollment's one "training complete"
    level_hours,
    levels_short,
    required_hours_sql,
    trained_minutes_sql,
)
from services.oversight.warnings.base import FRAUD_FLAG_CODES, Batch, Hit


@dataclass(frozen=True)
class TeamSpan:
    """A worker's attendance days for one team (or none) on a project, within the hop window."""

    project_id: int
    user_id: int
    team_id: int | None
    first_day: date
    last_day: date
    last_worked: date | None


def team_spans(batch: Batch) -> list[TeamSpan]:
    """The widest window's days, read once for team hopping and long absence (cached on the batch).
    Each rule reads only the columns and days it needs: the covering index on (project, date, ...)
    makes every one of these an index range scan (migration 0009)."""
    if "team_spans" in batch.cache:
        return batch.cache["team_spans"]
    d = AttendanceDay
    rows = db.session.execute(
        select(d.project_id, d.user_id, d.team_id, func.min(d.business_date), func.max(d.business_date),
               func.max(case((d.status.in_(WORKED), d.business_date))))
        .where(d.project_id.in_(batch.project_ids), d.business_date >= batch.start("hop_window_days"))
        .group_by(d.project_id, d.user_id, d.team_id)).all()
    spans = [TeamSpan(*r) for r in rows]
    batch.cache["team_spans"] = spans
    return spans


def _active_workers(batch: Batch):
    return (select(Membership.project_id, Membership.user_id, Membership.created_at)
            .where(Membership.project_id.in_(batch.project_ids), Membership.role == Role.WORKER.value,
                   Membership.status == MembershipStatus.ACTIVE.value))


def team_hopping(batch: Batch) -> list[Hit]:
    """Teams clocked for on this project, plus other projects joined, within the window."""
    spans: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for g in team_spans(batch):
        if g.team_id is not None and batch.within(g.project_id, "hop_window_days", g.last_day):
            spans[(g.project_id, g.user_id)].append({"team_id": g.team_id, "from": g.first_day, "to": g.last_day})
    workers = _active_workers(batch).subquery()
    elsewhere = db.session.execute(
        select(workers.c.project_id, workers.c.user_id, Membership.project_id, Membership.created_at)
        .join(Membership, and_(Membership.user_id == workers.c.user_id, Membership.project_id != workers.c.project_id,
                               Membership.role == Role.WORKER.value))
        .where(Membership.created_at >= batch.start_at("hop_window_days"))).all()
    for p, u, other_project, joined in elsewhere:
        spans[(p, u)].append({"project_id": other_project, "from": business_day(joined), "to": None})
    hits = []
    for (p, u), moves in spans.items():
        if len(moves) >= batch.t(p, "hop_teams"):
            moves.sort(key=lambda m: m["from"])
            hits.append(Hit(p, "TEAM_HOPPING", f"user:{u}", moves[0]["from"], {
                "user_id": u, "teams": len(moves), "window_days": int(batch.t(p, "hop_window_days")),
                "spans": [{k: v.isoformat() if isinstance(v, date) else v for k, v in m.items()} for m in moves]}))
    return hits


def long_absence(batch: Batch) -> list[Hit]:
    last_worked: dict[tuple[int, int], date] = {}
    for g in team_spans(batch):
        if g.last_worked is not None:
            key = (g.project_id, g.user_id)
            last_worked[key] = max(last_worked.get(key, g.last_worked), g.last_worked)
    rows = [(p, u, created, last_worked.get((p, u))) for p, u, created in db.session.execute(_active_workers(batch)).all()]
    hits = []
    for project_id, user_id, created_at, last_day in rows:
        since = (last_day + timedelta(days=1)) if last_day else business_day(created_at)
        absent = (batch.today - since).days + 1
        if absent > batch.t(project_id, "absence_days"):
            hits.append(Hit(project_id, "LONG_ABSENCE", f"user:{user_id}", since, {
                "user_id": user_id, "last_worked_on": last_day.isoformat() if last_day else None,
                "days_absent": absent, "threshold_days": int(batch.t(project_id, "absence_days"))}))
    return hits


def _onboarding_days(batch: Batch) -> list[Any]:
    d = AttendanceDay
    return [d.project_id.in_(batch.project_ids), d.business_date >= batch.start("onboarding_window_days"),
            d.status.in_(WORKED)]


def _days_without_contract(batch: Batch, workers: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """Days worked with no contract in force, for the few workers no one contract covers throughout: their
    days and contracts read once, each day decided by the same rule in Python (a correlated EXISTS per day
    made MariaDB scan the whole index of the batch)."""
    if not workers:
        return {}
    users = sorted({u for _p, u in workers})
    terms: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    for p, u, *t in db.session.execute(select(Contract.project_id, Contract.user_id, *terms_columns()).where(
            Contract.project_id.in_(batch.project_ids), Contract.user_id.in_(users))).all():
        terms[(p, u)].append(tuple(t))
    d = AttendanceDay
    out: dict[tuple[int, int], int] = defaultdict(int)
    for p, u, day in db.session.execute(select(d.project_id, d.user_id, d.business_date).where(
            *_onboarding_days(batch), d.user_id.in_(users))).all():
        if (p, u) in workers and not any(in_force(*t, day) for t in terms[(p, u)]):
            out[(p, u)] += 1
    return out


def no_contract_or_training(batch: Batch) -> list[Hit]:
    """Days worked in the window on which the entry gate would have refused the worker for the contract or
    the training: the same two rules it reads (services/contracts/in_force.py, 《劳动合同法》第十六条;
    services/enrollment/training.py, 《建设工程安全生产管理条例》第三十七条)."""
    d = AttendanceDay
    worked = (select(d.project_id, d.user_id, func.min(d.business_date).label("first_day"),
                     func.max(d.business_date).label("last_day"), func.count().label("days"))
              .where(*_onboarding_days(batch)).group_by(d.project_id, d.user_id).subquery())
    w = worked.c
    # one contract in force on the first and the last day covers every day between (the common case);
    # training only grows: short on any day worked means short on the first one. One look per worker.
    rows = db.session.execute(select(
        w.project_id, w.user_id, w.first_day, w.days, in_force_throughout_sql(w.project_id, w.user_id, w.first_day,
                                                                              w.last_day),
        *(required_hours_sql(lvl, w.project_id) for lvl in TRAINING_LEVELS),
        *(trained_minutes_sql(lvl, w.project_id, w.user_id, w.first_day) for lvl in TRAINING_LEVELS))).all()
    without = _days_without_contract(batch, {(p, u) for p, u, _f, _d, covered, *_ in rows if not covered})
    signed = {(p, u): s for p, u, s in db.session.execute(
        select(Contract.project_id, Contract.user_id, func.min(Contract.term_start))
        .where(Contract.project_id.in_(batch.project_ids), Contract.status.in_(BOTH_SIGNED))
        .group_by(Contract.project_id, Contract.user_id)).all()}
    n = len(TRAINING_LEVELS)
    hits = []
    for project_id, user_id, first_day, days, _covered, *hours in rows:
        uncovered = without.get((project_id, user_id), 0)
        missing = ["contract"] if uncovered else []
        short = levels_short(level_hours(dict(zip(TRAINING_LEVELS, hours[:n], strict=True)),
                                         dict(zip(TRAINING_LEVELS, hours[n:], strict=True))))
        if short:
            missing.append("training")
        if missing:
            contract_from = signed.get((project_id, user_id))
            hits.append(Hit(project_id, "NO_CONTRACT_OR_TRAINING", f"user:{user_id}", first_day, {
                "user_id": user_id, "missing": missing, "days_worked": int(days),
                "days_without_contract": uncovered, "training_levels_short": short,
                "contract_from": contract_from.isoformat() if contract_from else None}))
    return hits


def fraud_flags(batch: Batch) -> list[Hit]:
    rows = db.session.execute(
        select(Clock.project_id, Clock.user_id, Clock.flags, Clock.business_date)
        .where(Clock.project_id.in_(batch.project_ids), Clock.status == "flagged",
               Clock.taken_at >= batch.start_at("fraud_window_days"))).all()
    seen: dict[tuple[int, int], dict] = {}
    for project_id, user_id, flags, day in rows:
        codes = [f for f in flags or [] if f in FRAUD_FLAG_CODES]
        if not codes or not batch.within(project_id, "fraud_window_days", day):
            continue
        entry = seen.setdefault((project_id, user_id), {"clocks": 0, "flags": defaultdict(int), "since": day})
        entry["clocks"] += 1
        entry["since"] = min(entry["since"], day)
        for c in codes:
            entry["flags"][c] += 1
    return [Hit(p, "FRAUD_FLAGS", f"user:{u}", e["since"], {
        "user_id": u, "flagged_clocks": e["clocks"], "flags": dict(e["flags"]),
        "threshold": int(batch.t(p, "fraud_flags"))})
        for (p, u), e in seen.items() if e["clocks"] >= batch.t(p, "fraud_flags")]


def leader_corrections(batch: Batch) -> list[Hit]:
    # corrections are made while confirming (services/attendance/confirmation.py), so the
    # confirmer of a corrected day is the leader who corrected it
    d = AttendanceDay
    by_project: dict[int, dict[int, tuple[int, int, date | None]]] = defaultdict(dict)
    for p, leader, n, days in db.session.execute(
            select(d.project_id, d.confirmed_by, func.sum(case((d.corrected.is_(True), 1), else_=0)), func.count())
            .where(d.project_id.in_(batch.project_ids), d.business_date >= batch.start("corrections_window_days"),
                   d.confirmed_by.is_not(None))
            .group_by(d.project_id, d.confirmed_by)).all():
        by_project[p][leader] = (int(n or 0), int(days), None)
    rates_everywhere = [n / d for leaders in by_project.values() for n, d, _ in leaders.values() if d]
    hits = []
    for p, leaders in by_project.items():
        for leader, (n, days, _first) in leaders.items():
            if n < batch.t(p, "corrections_min"):
                continue
            peers = [c / d for other, (c, d, _) in leaders.items() if other != leader and d]
            if len(peers) < 2:  # too few peers on the project: compare with every leader in the run
                peers = [r for r in rates_everywhere if r != n / days] or [0.0]
            median = statistics.median(peers)
            rate = n / days
            if rate > batch.t(p, "corrections_factor") * median:
                since = batch.today - timedelta(days=int(batch.t(p, "corrections_window_days")))
                hits.append(Hit(p, "LEADER_CORRECTIONS", f"user:{leader}", since, {
                    "leader_user_id": leader, "corrections": n, "days_confirmed": days,
                    "rate": round(rate, 3), "peer_median_rate": round(median, 3),
                    "factor": batch.t(p, "corrections_factor")}))
    return hits


def shared_face(batch: Batch) -> list[Hit]:
    rows = db.session.execute(
        select(Clock.project_id, Clock.buddy_user_id, Clock.user_id, func.min(Clock.business_date))
        .where(Clock.project_id.in_(batch.project_ids), Clock.buddy_user_id.is_not(None),
               Clock.taken_at >= batch.start_at("face_window_days"))
        .group_by(Clock.project_id, Clock.buddy_user_id, Clock.user_id)).all()
    accounts: dict[tuple[int, int], dict[int, date]] = defaultdict(dict)
    for p, owner, user_id, first in rows:
        accounts[(p, owner)][user_id] = first
    hits = []
    for (p, owner), users in accounts.items():
        if len(users) >= batch.t(p, "face_accounts"):
            hits.append(Hit(p, "SHARED_FACE", f"face:{owner}", min(users.values()), {
                "template_owner_user_id": owner, "accounts": sorted(users), "threshold": int(batch.t(p, "face_accounts"))}))
    return hits


RULES = [team_hopping, long_absence, no_contract_or_training, fraud_flags, leader_corrections, shared_face]
