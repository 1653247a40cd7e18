"""Role dashboards: the figures each party is answerable for, as plain data.

Project (admin / contractor / supervisor / owner of that project), company (across the
projects the caller holds a role in), regulator (aggregates across every project, no people).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, select

from models import Company, Membership, MembershipStatus, Project, ProjectCompany, Role, db
from models.attendance import COUNTED_CLOCK_STATUSES, AttendanceDay, Clock, Dispute
from models.oversight import Finding, ListEntry, RiskWarning
from services import authz
from services.attendance.worth import days_worth
from services.authz import Action, authorize
from services.contracts.in_force import any_in_force_sql  # contracts' one "in force"
from services.days import business_day
from services.enrollment.training import training_complete_sql  # enrollment's one "training complete"
from services.errors import NotFound
from services.faces.impact import face_processing_summary
from services.oversight import blacklist, warnings
from services.oversight.warnings import pay
from services.oversight.warnings.base import RULES
from services.platform_push import admin as push_admin

TREND_DAYS = 30


def _enrolled(project_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(select(Membership.project_id, func.count()).where(
        Membership.project_id.in_(project_ids), Membership.role == Role.WORKER.value,
        Membership.status == MembershipStatus.ACTIVE.value).group_by(Membership.project_id)).all()
    return {p: 0 for p in project_ids} | {p: int(n) for p, n in rows}


def _today_on_site(project_ids: list[int], today: date) -> dict[int, tuple[int, int]]:
    """(clocked in today, still on site) per project: a worker whose last counted clock is 'in'."""
    last: dict[tuple[int, int], tuple[Any, str]] = {}
    for p, u, taken, direction in db.session.execute(select(
            Clock.project_id, Clock.user_id, Clock.taken_at, Clock.direction).where(
            Clock.project_id.in_(project_ids), Clock.business_date == today,
            Clock.status.in_(COUNTED_CLOCK_STATUSES))).all():
        if (p, u) not in last or taken > last[(p, u)][0]:
            last[(p, u)] = (taken, direction)
    out = {p: (0, 0) for p in project_ids}
    for (p, _u), (_t, direction) in last.items():
        came, here = out[p]
        out[p] = (came + 1, here + (direction == "in"))
    return out


def _trend(project_ids: list[int], today: date) -> list[dict[str, Any]]:
    start = today - timedelta(days=TREND_DAYS - 1)
    counts: dict[date, dict[str, int]] = defaultdict(lambda: {"present": 0, "half": 0, "absent": 0})
    for day, status, n in db.session.execute(select(
            AttendanceDay.business_date, AttendanceDay.status, func.count()).where(
            AttendanceDay.project_id.in_(project_ids), AttendanceDay.business_date >= start)
            .group_by(AttendanceDay.business_date, AttendanceDay.status)).all():
        bucket = "absent" if status in ("absent", "missing_out") else status
        counts[day][bucket] += int(n)
    return [{"date": (start + timedelta(days=i)).isoformat(), **counts[start + timedelta(days=i)]}
            for i in range(TREND_DAYS)]


def missing_on(project_id: int, today: date) -> tuple[set[int], set[int]]:
    """Active workers with no contract in force today, and those whose training is not complete: the
    entry gate's two rules (services/contracts/in_force.py, services/enrollment/training.py)."""
    m = Membership
    rows = db.session.execute(select(m.user_id, any_in_force_sql(project_id, m.user_id, today),
                                     training_complete_sql(project_id, m.user_id, today)).where(
        m.project_id == project_id, m.role == Role.WORKER.value, m.status == MembershipStatus.ACTIVE.value)).all()
    return {u for u, in_force, _t in rows if not in_force}, {u for u, _c, trained in rows if not trained}


def _checklist(project_id: int, today: date, enrolled: int) -> dict[str, Any]:
    """The supervisor's monthly inspection, month to date."""
    first = today.replace(day=1)
    rows = db.session.execute(select(AttendanceDay.status, AttendanceDay.corrected, AttendanceDay.confirmed_at)
                              .where(AttendanceDay.project_id == project_id, AttendanceDay.business_date >= first,
                                     AttendanceDay.business_date <= today)).all()
    worked = sum(days_worth(s) for s, _c, _k in rows)
    confirmed = [r for r in rows if r[2] is not None]
    corrected = sum(1 for r in confirmed if r[1])
    possible = enrolled * today.day
    return {
        "month": today.strftime("%Y-%m"),
        "to_post_rate": round(worked / possible, 3) if possible else None,
        "attendance_accuracy": round(1 - corrected / len(confirmed), 3) if confirmed else None,
        "days_confirmed": len(confirmed), "days_corrected": corrected,
        "wage_records": pay.wage_records(project_id, today),
    }


def project_dashboard(actor_id: int, project_id: int, today: date | None = None) -> dict[str, Any]:
    authorize(actor_id, Action.OVERSIGHT_VIEW, project_id)
    today = today or business_day()
    project = db.session.get(Project, project_id)
    enrolled = _enrolled([project_id])[project_id]
    came, here = _today_on_site([project_id], today)[project_id]
    no_contract, no_training = (len(users) for users in missing_on(project_id, today))
    backlog = db.session.execute(select(func.count()).select_from(AttendanceDay).where(
        AttendanceDay.project_id == project_id, AttendanceDay.business_date < today,
        AttendanceDay.confirmed_at.is_(None), AttendanceDay.status != "absent")).scalar_one()
    disputes = db.session.execute(select(func.count()).select_from(Dispute).where(
        Dispute.project_id == project_id, Dispute.status == "open")).scalar_one()
    findings = db.session.execute(select(Finding.status, func.count()).where(Finding.project_id == project_id)
                                  .group_by(Finding.status)).all()
    return {
        "project": {"id": project.id, "name": project.name},
        "date": today.isoformat(),
        "today": {"on_site": here, "clocked_in": came, "enrolled": enrolled},
        "missing": {"contracts": no_contract, "training": no_training},
        "confirmation_backlog": int(backlog),
        "open_disputes": int(disputes),
        "payroll": pay.payroll_status([project_id], today)[project_id],
        "trend": _trend([project_id], today),
        "warnings": {"score": warnings.scores([project_id])[project_id],
                     "by_rule": warnings.counts_by_rule([project_id]),
                     "closed_by_staff": warnings.closed_by_staff([project_id])[project_id]},
        "checklist": _checklist(project_id, today, enrolled),
        "findings": {s: int(n) for s, n in findings},
        "push": push_admin.counts([project_id]),  # sent / accepted / rejected (+ incomplete, pending, dead)
        # admins: the deployment's impact assessment and how many faces it stores (PIPL Art. 55–56)
        **({"face_processing": face_processing_summary()}
           if authz.may(actor_id, Action.PROJECT_UPDATE, project_id) else {}),
    }


def visible_company_projects(actor_id: int, company_id: int) -> list[Project]:
    """The company's projects where the caller holds an oversight role; none: 404."""
    if db.session.get(Company, company_id) is None:
        raise NotFound("COMPANY_NOT_FOUND")
    roles = tuple(r.value for r in authz.POLICY[Action.OVERSIGHT_VIEW])
    projects = list(db.session.execute(
        select(Project).join(ProjectCompany, and_(ProjectCompany.project_id == Project.id,
                                                  ProjectCompany.company_id == company_id))
        .join(Membership, and_(Membership.project_id == Project.id, Membership.user_id == actor_id,
                               Membership.role.in_(roles), Membership.status == MembershipStatus.ACTIVE.value))
        .distinct().order_by(Project.id)).scalars())
    if not projects:
        raise NotFound("COMPANY_NOT_FOUND")
    return projects


def _project_rows(projects: list[Project], today: date) -> list[dict[str, Any]]:
    ids = [p.id for p in projects]
    enrolled, on_site, scores = _enrolled(ids), _today_on_site(ids, today), warnings.scores(ids)
    live = dict(db.session.execute(select(RiskWarning.project_id, func.count()).where(
        RiskWarning.project_id.in_(ids), RiskWarning.status.in_(warnings.LIVE)).group_by(RiskWarning.project_id)).all())
    payroll, closed = pay.payroll_status(ids, today), warnings.closed_by_staff(ids)
    return [{"id": p.id, "name": p.name, "enrolled": enrolled[p.id], "clocked_in": on_site[p.id][0],
             "on_site": on_site[p.id][1], "score": scores[p.id], "open_warnings": int(live.get(p.id, 0)),
             "closed_by_staff": closed[p.id], "payroll": payroll[p.id]} for p in projects]


def company_dashboard(actor_id: int, company_id: int, today: date | None = None) -> dict[str, Any]:
    today = today or business_day()
    projects = visible_company_projects(actor_id, company_id)
    ids = [p.id for p in projects]
    company = db.session.get(Company, company_id)
    return {
        "company": {"id": company.id, "name": company.name},
        "date": today.isoformat(),
        "projects": _project_rows(projects, today),
        "score": sum(warnings.scores(ids).values()),
        "warnings_by_rule": warnings.counts_by_rule(ids),
        "trend": _trend(ids, today),
        "wages": pay.wages_summary(ids, today),
        "push": push_admin.counts(ids),
    }


def regulator_dashboard(actor_id: int, today: date | None = None) -> dict[str, Any]:
    """Aggregates only: counts per project, no person's name, id or record."""
    regulator = blacklist.regulator_of(actor_id)
    today = today or business_day()
    projects = list(db.session.execute(select(Project).order_by(Project.id)).scalars())
    ids = [p.id for p in projects]
    rows = _project_rows(projects, today) if projects else []
    listed = dict(db.session.execute(select(ListEntry.color, func.count()).where(
        ListEntry.id.in_([e.id for e in blacklist.current_entries(today)] or [0])).group_by(ListEntry.color)).all())
    return {
        "authority": regulator.authority,
        "date": today.isoformat(),
        "totals": {"projects": len(projects), "enrolled": sum(r["enrolled"] for r in rows),
                   "on_site": sum(r["on_site"] for r in rows), "open_warnings": sum(r["open_warnings"] for r in rows),
                   "closed_by_staff": sum(r["closed_by_staff"] for r in rows),
                   "red_listed": int(listed.get("red", 0)), "black_listed": int(listed.get("black", 0))},
        "projects": rows,
        "warnings_by_rule": warnings.counts_by_rule(ids) if ids else dict.fromkeys(RULES, 0),
        "trend": _trend(ids, today) if ids else [],
        "wages": pay.wages_summary(ids, today),
        "push": push_admin.counts(ids),
    }


def check_page(actor_id: int, path: str, target: dict[str, int]) -> None:
    """May this caller open the page at ``path`` (raises like the JSON endpoints would)."""
    if "project_id" in target:
        authorize(actor_id, Action.OVERSIGHT_VIEW, target["project_id"])
    elif "company_id" in target:
        visible_company_projects(actor_id, target["company_id"])
    else:
        blacklist.regulator_of(actor_id)
