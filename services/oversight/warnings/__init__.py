"""Risk warnings: rules run on a schedule (workers/cron.py), each hit explainable (rule,
evidence, since when), acknowledged and closed with a note; a score per project and company."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import func, select

from models import Project, ProjectCompany, db
from models.base import utcnow
from models.oversight import RiskWarning, WarningStatus, WarningThresholds
from services import audit
from services.authz import Action, authorize, scope
from services.days import business_day
from services.errors import Conflict, NotFound, Unprocessable
from services.oversight.warnings import pay, people  # noqa: F401
from services.oversight.warnings.base import (
    BOUNDS,
    DEFAULTS,
    RULES,
    Batch,
    Hit,
    Rule,
    bounded,
    thresholds_for,
)
from services.pagination import Page, Paged, paged_rows

ALL_RULES: list[Rule] = [*people.RULES, *pay.RULES]
BATCH_SIZE = 50  # one pass over the days per batch; 50 projects keep its GROUP BY in memory
LIVE = (WarningStatus.OPEN.value, WarningStatus.ACKNOWLEDGED.value)
log = logging.getLogger(__name__)


def compute(project_ids: list[int], today: date | None = None) -> list[Hit]:
    """Every rule's hits for these projects (nothing written)."""
    batch = Batch(project_ids, today or business_day(), thresholds_for(project_ids))
    return [hit for rule in ALL_RULES for hit in rule(batch)]


def _store(project_ids: list[int], hits: list[Hit]) -> dict[str, int]:
    now = utcnow()
    existing = {(w.project_id, w.rule, w.subject_key): w for w in db.session.execute(
        select(RiskWarning).where(RiskWarning.project_id.in_(project_ids))).scalars()}
    counts = {"new": 0, "seen": 0, "resolved": 0}
    held = set()
    for hit in hits:
        key = (hit.project_id, hit.rule, hit.subject_key)
        held.add(key)
        row = existing.get(key)
        if row is None:
            db.session.add(RiskWarning(project_id=hit.project_id, rule=hit.rule, subject_key=hit.subject_key,
                                       evidence=hit.evidence, since=hit.since, first_seen_at=now, last_seen_at=now))
            counts["new"] += 1
        elif row.status == WarningStatus.CLOSED.value and row.closed_by is None:
            # closed by a run because it stopped holding; it holds again: a new episode
            row.status, row.since, row.evidence, row.closed_at, row.note = "open", hit.since, hit.evidence, None, None
            row.last_seen_at = now
            counts["new"] += 1
        elif row.status == WarningStatus.CLOSED.value:
            # closed by a person while its condition still holds: a closed warning must not hide a live
            # condition (nor lower the score); it reopens, and the closing stays in the audit chain
            audit.record("oversight.warning_reopened", actor_user_id=None, object_type="warning", object_id=row.id,
                         details={"closed_by": row.closed_by, "closed_at": row.closed_at.isoformat(),
                                  "note": row.note})
            row.status, row.evidence, row.last_seen_at, row.reopened_at = "open", hit.evidence, now, now
            row.closed_by = row.closed_at = None
            counts["reopened"] = counts.get("reopened", 0) + 1
        else:
            row.evidence, row.last_seen_at = hit.evidence, now
            counts["seen"] += 1
    for key, row in existing.items():
        if key not in held and row.status in LIVE:
            row.status, row.closed_at, row.note = WarningStatus.CLOSED.value, now, "条件已不成立，系统自动关闭"
            counts["resolved"] += 1
    db.session.flush()
    return counts


def refresh_warnings(project_ids: Iterable[int] | None = None, today: date | None = None) -> dict[str, int]:
    """The scheduled run: recompute every rule and store what holds, batch by batch."""
    ids = list(project_ids) if project_ids is not None else list(
        db.session.execute(select(Project.id).order_by(Project.id)).scalars())
    totals = {"projects": len(ids), "new": 0, "seen": 0, "resolved": 0}
    for i in range(0, len(ids), BATCH_SIZE):
        chunk = ids[i:i + BATCH_SIZE]
        for k, v in _run(chunk, today).items():
            totals[k] = totals.get(k, 0) + v
    return totals


def _run(chunk: list[int], today: date | None) -> dict[str, int]:
    """One batch in a savepoint; if it fails, each project alone: one project's error never stops the others."""
    try:
        with db.session.begin_nested():
            return _store(chunk, compute(chunk, today))
    except Exception:
        if len(chunk) == 1:
            log.exception("warning rules failed for project %s", chunk[0])
            return {"failed": 1}
    counts: dict[str, int] = {}
    for project_id in chunk:
        for k, v in _run([project_id], today).items():
            counts[k] = counts.get(k, 0) + v
    return counts


def project_warnings(actor_id: int, project_id: int, status: str | None = None,
                     page: Page = Page()) -> Paged[RiskWarning]:
    authorize(actor_id, Action.OVERSIGHT_VIEW, project_id)
    query = select(RiskWarning).where(RiskWarning.project_id == project_id)
    if status:
        query = query.where(RiskWarning.status == status)
    paged = paged_rows(query, RiskWarning.id, page)
    return Paged([row[0] for row in paged.items], paged.next_after)


def _warning(actor_id: int, warning_id: int) -> RiskWarning:
    row = db.session.get(RiskWarning, warning_id)
    if row is None:
        raise NotFound("WARNING_NOT_FOUND")
    authorize(actor_id, Action.WARNING_HANDLE, row.project_id)
    return row


def acknowledge_warning(actor_id: int, warning_id: int, note: str) -> RiskWarning:
    row = _warning(actor_id, warning_id)
    if row.status != WarningStatus.OPEN.value:
        raise Conflict("WARNING_NOT_OPEN", details={"status": row.status})
    row.status, row.note, row.acknowledged_by, row.acknowledged_at = "acknowledged", note, actor_id, utcnow()
    db.session.flush()
    audit.record("oversight.warning_acknowledged", actor_user_id=actor_id, object_type="warning",
                 object_id=row.id, details={"note": note})
    return row


def close_warning(actor_id: int, warning_id: int, note: str) -> RiskWarning:
    """Closed with a note saying what was done; if the condition still holds at the next run it reopens.
    The supervisor and the regulator see how many warnings staff closed (dashboards)."""
    row = _warning(actor_id, warning_id)
    if not note.strip():
        raise Unprocessable("WARNING_NOTE_REQUIRED")
    if row.status == WarningStatus.CLOSED.value:
        raise Conflict("WARNING_CLOSED")
    row.status, row.note, row.closed_by, row.closed_at = WarningStatus.CLOSED.value, note, actor_id, utcnow()
    db.session.flush()
    audit.record("oversight.warning_closed", actor_user_id=actor_id, object_type="warning", object_id=row.id,
                 details={"note": note})
    return row


def get_thresholds(actor_id: int, project_id: int) -> dict[str, float]:
    scope(actor_id, Action.OVERSIGHT_VIEW, project_id)
    return thresholds_for([project_id])[project_id]


def set_thresholds(actor_id: int, project_id: int, values: dict[str, float]) -> dict[str, float]:
    authorize(actor_id, Action.WARNING_HANDLE, project_id)
    unknown = sorted(set(values) - set(DEFAULTS))
    if unknown:
        raise Unprocessable("THRESHOLD_UNKNOWN", details={"keys": unknown})
    for key in sorted(values):
        if bounded(key, values[key]) is None:
            kind, low, high = BOUNDS[key]
            raise Unprocessable("THRESHOLD_INVALID", f"阈值 {key} 应为 {low:g} 到 {high:g} 之间的"
                                f"{'整数' if kind is int else '数'}", {"key": key, "min": low, "max": high})
    values = {k: bounded(k, v) for k, v in values.items()}
    row = db.session.get(WarningThresholds, project_id)
    if row is None:
        row = WarningThresholds(project_id=project_id, values={})
        db.session.add(row)
    row.values = {**(row.values or {}), **values}
    row.updated_by, row.updated_at = actor_id, utcnow()
    db.session.flush()
    audit.record("oversight.thresholds_set", actor_user_id=actor_id, object_type="project", object_id=project_id,
                 details=values)
    return thresholds_for([project_id])[project_id]


def scores(project_ids: list[int]) -> dict[int, int]:
    """Risk score: the weights of the live warnings (higher is worse)."""
    out = dict.fromkeys(project_ids, 0)
    for project_id, rule, n in db.session.execute(
            select(RiskWarning.project_id, RiskWarning.rule, func.count())
            .where(RiskWarning.project_id.in_(project_ids), RiskWarning.status.in_(LIVE))
            .group_by(RiskWarning.project_id, RiskWarning.rule)).all():
        out[project_id] += RULES[rule][0] * int(n)
    return out


def company_score(company_id: int) -> int:
    project_ids = list(db.session.execute(select(ProjectCompany.project_id).where(
        ProjectCompany.company_id == company_id).distinct()).scalars())
    return sum(scores(project_ids).values()) if project_ids else 0


def closed_by_staff(project_ids: list[int]) -> dict[int, int]:
    """Warnings a person closed (not the run), per project: shown to the supervisor and the regulator."""
    out = dict.fromkeys(project_ids, 0)
    for project_id, n in db.session.execute(select(RiskWarning.project_id, func.count()).where(
            RiskWarning.project_id.in_(project_ids or [-1]), RiskWarning.status == WarningStatus.CLOSED.value,
            RiskWarning.closed_by.is_not(None)).group_by(RiskWarning.project_id)).all():
        out[project_id] = int(n)
    return out


def counts_by_rule(project_ids: list[int]) -> dict[str, int]:
    out = dict.fromkeys(RULES, 0)
    for rule, n in db.session.execute(select(RiskWarning.rule, func.count()).where(
            RiskWarning.project_id.in_(project_ids), RiskWarning.status.in_(LIVE)).group_by(RiskWarning.rule)).all():
        out[rule] = int(n)
    return out


def explain(row: RiskWarning) -> dict[str, Any]:
    weight, title = RULES[row.rule]
    return {"title": title, "weight": weight}
