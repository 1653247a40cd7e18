"""Companies, projects, participating companies, teams and memberships."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from stdnum.cn import uscc as uscc_std
from stdnum.exceptions import ValidationError as StdnumError

from models import (
    Company,
    Membership,
    MembershipStatus,
    ParticipantRole,
    Project,
    ProjectCompany,
    Role,
    Team,
    User,
    db,
)
from services import audit, geo, pii
from services.auth import reveal_phone
from services.authz import Action, active_memberships_in, authorize, memberships_in, scope
from services.companies import linkable_company
from services.enrollment.trades import canonical
from services.errors import Conflict, NotFound, ProjectNotFound, Unprocessable
from services.pagination import Page, Paged, paged_rows

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on site


def normalize_uscc(value: str) -> str:
    try:
        return uscc_std.validate(value)
    except StdnumError as exc:
        raise Unprocessable("USCC_INVALID", details={"uscc": value}) from exc


def _flush_unique(conflict: Conflict) -> None:
    """Flush inside a savepoint so a unique clash becomes a clean 409, not a broken session."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise conflict from exc


def create_company(actor_id: int, name: str, uscc: str) -> Company:
    """Registers a claim, unverified until an operator checks it; a verified USCC is taken."""
    code = normalize_uscc(uscc)
    taken = db.session.execute(select(Company.id).where(
        Company.uscc == code, or_(Company.verified.is_(True), Company.created_by == actor_id))).first()
    if taken:
        raise Conflict("COMPANY_EXISTS", details={"uscc": code})
    company = Company(name=name.strip(), uscc=code, created_by=actor_id, verified=False)
    db.session.add(company)
    _flush_unique(Conflict("COMPANY_EXISTS", details={"uscc": code}))
    audit.record("company.created", actor_user_id=actor_id, object_type="company", object_id=company.id,
                 details={"uscc": code})
    return company


def _new_join_code() -> str:
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(6))
        if not db.session.execute(select(Project.id).where(Project.join_code == code)).first():
            return code


def _normalize_account_no(value: str) -> str:
    digits = value.replace(" ", "").replace("-", "")
    if not digits.isdigit() or not 8 <= len(digits) <= 32:
        raise Unprocessable("WAGE_ACCOUNT_INVALID")
    return digits


def create_project(actor_id: int, *, name: str, address: str, general_contractor_id: int, wage_account_bank: str,
                   wage_account_no: str, geofence: dict[str, Any], liveness_mode: str = "passive",
                   join_code: str | None = None) -> Project:
    """The creator becomes the project's admin; the general contractor (总包) is its first participant."""
    linkable_company(actor_id, general_contractor_id)
    account = _normalize_account_no(wage_account_no)
    project = Project(
        name=name.strip(), address=address.strip(), join_code=join_code or _new_join_code(),
        wage_account_bank=wage_account_bank.strip(),
        wage_account_no_enc="",  # encrypted below, bound to the row id the flush gives it
        wage_account_no_masked=pii.mask_bank_card(account),
        geofence=geo.normalize_geofence(geofence), liveness_mode=liveness_mode, created_by=actor_id,
    )
    db.session.add(project)
    _flush_unique(Conflict("JOIN_CODE_TAKEN"))
    project.wage_account_no_enc = pii.encrypt_str(account, context=wage_account_context(project))
    db.session.add(ProjectCompany(project_id=project.id, company_id=general_contractor_id,
                                  role=ParticipantRole.GENERAL_CONTRACTOR.value))
    db.session.add(Membership(project_id=project.id, user_id=actor_id, role=Role.PROJECT_ADMIN.value))
    db.session.flush()
    audit.record("project.created", actor_user_id=actor_id, object_type="project", object_id=project.id)
    return project


def wage_account_context(project: Project) -> str:
    return pii.row_context("projects", "wage_account_no_enc", project.id)


def get_project(actor_id: int, project_id: int, action: Action = Action.PROJECT_VIEW) -> Project:
    project = db.session.get(Project, project_id)
    if project is None:
        raise ProjectNotFound()
    authorize(actor_id, action, project.id)
    return project


def update_project(actor_id: int, project_id: int, changes: dict[str, Any]) -> Project:
    project = get_project(actor_id, project_id, Action.PROJECT_UPDATE)
    for key in ("name", "address", "wage_account_bank", "liveness_mode", "completed_on", "wages_settled_on"):
        if changes.get(key) is not None:
            setattr(project, key, changes[key].strip() if isinstance(changes[key], str) else changes[key])
    if changes.get("wage_account_no") is not None:
        account = _normalize_account_no(changes["wage_account_no"])
        project.wage_account_no_enc = pii.encrypt_str(account, context=wage_account_context(project))
        project.wage_account_no_masked = pii.mask_bank_card(account)
    if changes.get("geofence") is not None:
        project.geofence = geo.normalize_geofence(changes["geofence"])
    db.session.flush()
    audit.record("project.updated", actor_user_id=actor_id, object_type="project", object_id=project.id,
                 details={"fields": sorted(k for k, v in changes.items() if v is not None)})
    return project


def add_participant(actor_id: int, project_id: int, company_id: int, role: str
                    ) -> tuple[ProjectCompany, Company]:
    get_project(actor_id, project_id, Action.PARTICIPANT_MANAGE)
    company = linkable_company(actor_id, company_id)
    link = ProjectCompany(project_id=project_id, company_id=company_id, role=role)
    db.session.add(link)
    _flush_unique(Conflict("PARTICIPANT_EXISTS"))
    audit.record("project.participant_added", actor_user_id=actor_id, object_type="project",
                 object_id=project_id, details={"company_id": company_id, "role": role})
    return link, company


def participants(actor_id: int, project_id: int, page: Page = Page()) -> Paged[tuple[ProjectCompany, Company]]:
    get_project(actor_id, project_id, Action.PARTICIPANT_VIEW)
    query = (select(ProjectCompany, Company).join(Company, Company.id == ProjectCompany.company_id)
             .where(ProjectCompany.project_id == project_id))
    rows = paged_rows(query, ProjectCompany.id, page)
    return Paged([(pc, c) for pc, c in rows.items], rows.next_after)


def _check_team_company(project_id: int, company_id: int | None) -> None:
    if company_id is None:
        return
    linked = db.session.execute(select(ProjectCompany.id).where(
        ProjectCompany.project_id == project_id, ProjectCompany.company_id == company_id)).first()
    if not linked:
        raise Unprocessable("COMPANY_NOT_PARTICIPANT")


def _check_leader(project_id: int, leader_user_id: int | None) -> None:
    # a leader sees their team's people: only someone already working in the project may be named
    if leader_user_id is not None and not active_memberships_in(leader_user_id, project_id):
        raise Unprocessable("LEADER_NOT_MEMBER")


def _make_leader(project_id: int, team: Team, previous_leader_id: int | None = None) -> None:
    """A team's leader holds the team_leader role for exactly that team; a replaced leader loses it."""
    if previous_leader_id is not None and previous_leader_id != team.leader_user_id:
        old = db.session.execute(select(Membership).where(
            Membership.project_id == project_id, Membership.user_id == previous_leader_id,
            Membership.role == Role.TEAM_LEADER.value, Membership.team_id == team.id)).scalar_one_or_none()
        if old is not None:
            old.status = MembershipStatus.LEFT.value
    if team.leader_user_id is None:
        return
    existing = db.session.execute(select(Membership).where(
        Membership.project_id == project_id, Membership.user_id == team.leader_user_id,
        Membership.role == Role.TEAM_LEADER.value)).scalar_one_or_none()
    if existing is None:
        db.session.add(Membership(project_id=project_id, user_id=team.leader_user_id,
                                  role=Role.TEAM_LEADER.value, team_id=team.id))
        return
    if existing.team_id not in (None, team.id):
        # one leader role per project: the team they led before is left without a leader
        other = db.session.get(Team, existing.team_id)
        if other is not None and other.leader_user_id == team.leader_user_id:
            other.leader_user_id = None
    existing.team_id, existing.status = team.id, MembershipStatus.ACTIVE.value


def assign_leader(team: Team, leader_user_id: int | None) -> int | None:
    """Make someone the team's leader (ending the previous leader's reach); returns the previous one."""
    previous = team.leader_user_id
    team.leader_user_id = leader_user_id
    db.session.flush()
    _make_leader(team.project_id, team, previous)
    db.session.flush()
    return previous


def team_trade(trade: str | None) -> str | None:
    """A team's 工种 may be given as the platform's code (GET /api/v1/trades): kept as its name."""
    return (canonical(trade) or trade) if trade else trade


def create_team(actor_id: int, project_id: int, *, name: str, default_day_wage_fen: int,
                company_id: int | None = None, trade: str | None = None,
                leader_user_id: int | None = None) -> Team:
    get_project(actor_id, project_id, Action.TEAM_MANAGE)
    _check_team_company(project_id, company_id)
    _check_leader(project_id, leader_user_id)
    team = Team(project_id=project_id, name=name.strip(), default_day_wage_fen=default_day_wage_fen,
                company_id=company_id, trade=team_trade(trade), leader_user_id=leader_user_id)
    db.session.add(team)
    _flush_unique(Conflict("TEAM_EXISTS"))
    _make_leader(project_id, team)
    db.session.flush()
    audit.record("team.created", actor_user_id=actor_id, object_type="team", object_id=team.id,
                 details={"project_id": project_id, "default_day_wage_fen": default_day_wage_fen})
    return team


def get_team(actor_id: int, team_id: int, action: Action = Action.TEAM_VIEW) -> Team:
    team = db.session.get(Team, team_id)
    if team is None:
        raise NotFound("TEAM_NOT_FOUND")
    authorize(actor_id, action, team.project_id, team_id=team.id if action is Action.TEAM_VIEW else None)
    return team


def update_team(actor_id: int, team_id: int, changes: dict[str, Any]) -> Team:
    team = get_team(actor_id, team_id, Action.TEAM_MANAGE)
    if "company_id" in changes:
        _check_team_company(team.project_id, changes["company_id"])
    if "leader_user_id" in changes:
        _check_leader(team.project_id, changes["leader_user_id"])
    previous_leader = team.leader_user_id
    for key in ("name", "trade", "default_day_wage_fen", "company_id", "leader_user_id"):
        if key in changes:
            setattr(team, key, team_trade(changes[key]) if key == "trade" else changes[key])
    _flush_unique(Conflict("TEAM_EXISTS"))
    _make_leader(team.project_id, team, previous_leader)
    db.session.flush()
    details = {k: v for k, v in changes.items() if k != "name"}
    if "leader_user_id" in changes:
        details["previous_leader_user_id"] = previous_leader
    audit.record("team.updated", actor_user_id=actor_id, object_type="team", object_id=team.id, details=details)
    return team


def teams(actor_id: int, project_id: int, page: Page = Page()) -> Paged[Team]:
    reach = scope(actor_id, Action.TEAM_VIEW, project_id)
    query = select(Team).where(Team.project_id == project_id)
    if not reach.whole_project:
        query = query.where(Team.id.in_(reach.team_ids or {-1}))
    rows = paged_rows(query, Team.id, page)
    return Paged([t for (t,) in rows.items], rows.next_after)


def members(actor_id: int, project_id: int, page: Page = Page()) -> Paged[tuple[Membership, User]]:
    reach = scope(actor_id, Action.MEMBER_VIEW, project_id)
    query = (select(Membership, User).join(User, User.id == Membership.user_id)
             .where(Membership.project_id == project_id))
    if not reach.whole_project:
        conditions = []
        if reach.team_ids:
            conditions.append(Membership.team_id.in_(reach.team_ids))
        if reach.self_user_id is not None:
            conditions.append(Membership.user_id == reach.self_user_id)
        query = query.where(or_(*conditions))
    rows = paged_rows(query, Membership.id, page)
    return Paged([(m, u) for m, u in rows.items], rows.next_after)


def role_team(project_id: int, role: str, team_id: int | None) -> int | None:
    """Team leaders and workers belong to a team of the project; other roles to none."""
    if role not in (Role.TEAM_LEADER, Role.WORKER):
        return None
    team = db.session.get(Team, team_id) if team_id is not None else None
    if team is None or team.project_id != project_id:
        raise Unprocessable("TEAM_REQUIRED")
    return team.id


def role_company(project_id: int, role: str, company_id: int | None) -> int | None:
    """A subcontractor clerk (分包劳资员) works for one participant company of the project; others for none."""
    if role != Role.SUBCONTRACTOR_CLERK:
        return None
    if company_id is None:
        raise Unprocessable("COMPANY_NOT_PARTICIPANT", "分包劳资员须指定本项目的参建企业", {"company_id": None})
    _check_team_company(project_id, company_id)
    return company_id


def hold_role(project_id: int, user_id: int, role: str, team_id: int | None, *,
              company_id: int | None = None) -> Membership:
    """Give (or give back) a role, active at once; racing twins end as a 409, not a 500."""
    membership = db.session.execute(select(Membership).where(
        Membership.project_id == project_id, Membership.user_id == user_id, Membership.role == role)
    ).scalar_one_or_none()
    if membership is None:
        membership = Membership(project_id=project_id, user_id=user_id, role=role, team_id=team_id,
                                company_id=company_id)
        db.session.add(membership)
    else:
        membership.team_id, membership.status = team_id, MembershipStatus.ACTIVE.value
        membership.company_id = company_id
    _flush_unique(Conflict("MEMBERSHIP_CHANGED"))
    return membership


def grant_role(actor_id: int, project_id: int, *, user_id: int, role: str, team_id: int | None
               ) -> tuple[Membership, User]:
    """Change the roles of someone already working in the project; newcomers come by invitation."""
    get_project(actor_id, project_id, Action.MEMBER_MANAGE)
    subject = db.session.get(User, user_id)
    if subject is None or not active_memberships_in(user_id, project_id):
        # the same answer whether the id exists or not: ids are sequential
        raise NotFound("MEMBER_NOT_FOUND", "该用户不是本项目的在岗成员，请通过邀请加入")
    team_id = role_team(project_id, role, team_id)
    membership = hold_role(project_id, user_id, role, team_id)
    audit.record("membership.granted", actor_user_id=actor_id, object_type="membership",
                 object_id=membership.id, details={"user_id": user_id, "role": role, "team_id": team_id})
    return membership, subject


def join_project(actor_id: int, join_code: str, team_id: int | None) -> tuple[Membership, Project]:
    """A worker scans or types the project code; the labour manager reviews the enrollment later.
    The application may change team until it is reviewed; after that only the labour manager moves them."""
    project = db.session.execute(
        select(Project).where(Project.join_code == join_code.strip().upper())).scalar_one_or_none()
    if project is None:
        raise NotFound("JOIN_CODE_INVALID")
    if team_id is not None:
        team = db.session.get(Team, team_id)
        if team is None or team.project_id != project.id:
            raise Unprocessable("TEAM_NOT_IN_PROJECT")
    existing = db.session.execute(select(Membership).where(
        Membership.project_id == project.id, Membership.user_id == actor_id,
        Membership.role == Role.WORKER.value)).scalar_one_or_none()
    if existing is not None and existing.status not in (MembershipStatus.LEFT.value, MembershipStatus.REJECTED.value):
        if team_id is None or existing.team_id == team_id:
            return existing, project
        if existing.status == MembershipStatus.ACTIVE.value:
            raise Conflict("TEAM_CHANGE_NEEDS_REVIEW", details={"team_id": existing.team_id})
        previous, existing.team_id = existing.team_id, team_id
        db.session.flush()
        audit.record("project.join_updated", actor_user_id=actor_id, object_type="membership",
                     object_id=existing.id, details={"project_id": project.id, "from_team_id": previous,
                                                     "team_id": team_id})
        return existing, project
    if existing is None:
        existing = Membership(project_id=project.id, user_id=actor_id, role=Role.WORKER.value)
        db.session.add(existing)
    existing.team_id, existing.status = team_id, MembershipStatus.PENDING.value
    _flush_unique(Conflict("ALREADY_JOINED"))
    audit.record("project.joined", actor_user_id=actor_id, object_type="membership", object_id=existing.id,
                 details={"project_id": project.id, "team_id": team_id})
    return existing, project


def reveal_member_phone(actor_id: int, project_id: int, user_id: int) -> str | None:
    authorize(actor_id, Action.MEMBER_PII_READ, project_id)
    subject = db.session.get(User, user_id)
    if subject is None or not memberships_in(user_id, project_id):
        raise NotFound("MEMBER_NOT_FOUND")
    return reveal_phone(subject, actor_id=actor_id, purpose=f"project:{project_id}")
