"""The one place that decides who may do what to which object.

Every role is held per project (a membership). A policy row says, for an action, which
roles may do it and how far their reach goes: the whole project, their own team, or only
their own records. Routes call ``authorize``/``scope``; they never compare roles themselves.
Outsiders get 404 (they learn nothing about the project); members without the right get 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import or_, select

from models import Membership, MembershipStatus, ParticipantRole, ProjectCompany, Role, Team, db
from services.errors import Forbidden, ProjectNotFound


class Action(StrEnum):
    PROJECT_VIEW = "project.view"
    PROJECT_UPDATE = "project.update"
    PARTICIPANT_VIEW = "participant.view"
    PARTICIPANT_MANAGE = "participant.manage"
    TEAM_VIEW = "team.view"
    TEAM_MANAGE = "team.manage"
    MEMBER_VIEW = "member.view"
    MEMBER_MANAGE = "member.manage"
    MEMBER_PII_READ = "member.pii_read"
    ENROLLMENT_REVIEW = "enrollment.review"
    PROFILE_VIEW = "enrollment.profile_view"
    TRAINING_MANAGE = "training.manage"
    TRAINING_VIEW = "training.view"
    CONTRACT_TEMPLATE_MANAGE = "contract.template_manage"
    CONTRACT_VIEW = "contract.view"
    CONTRACT_TERMINATE = "contract.terminate"
    FACE_CHECK = "face.check"  # a face check (or its challenge) made in a project: one's own face
    MEMBER_INVITE = "member.invite"
    MEMBER_TEAM_CHANGE = "member.team_change"
    FACE_REENROLL_APPROVE = "face.reenroll_approve"
    FACE_RESULT_REVIEW = "face.result_review"
    ATTENDANCE_VIEW = "attendance.view"
    ATTENDANCE_CONFIRM = "attendance.confirm"  # confirm / correct days, witnessed clocks, answer disputes
    ATTENDANCE_EVIDENCE = "attendance.evidence"  # the clock's selfie, each view audited
    ATTENDANCE_FRAUD_DETAIL = "attendance.fraud_detail"  # whose face a buddy punch matched
    OVERSIGHT_VIEW = "oversight.view"  # dashboard, warnings, findings, notice-board details
    WARNING_HANDLE = "oversight.warning_handle"  # acknowledge / close a warning, set thresholds
    FINDING_RECORD = "oversight.finding_record"  # the supervisor's findings and rectification notices
    FINDING_ANSWER = "oversight.finding_answer"
    OVERSIGHT_EXPORT = "oversight.export"  # roster, attendance and wage sheets (Excel)
    PUSH_VIEW = "oversight.push_view"  # the platform outbox and its dead letters
    PUSH_RESEND = "oversight.push_resend"  # send again a record the platform rejected, after the fix
    NOTICE_BOARD_MANAGE = "oversight.notice_board_manage"
    DEPOSIT_RECORD = "oversight.deposit_record"  # deposits into the wage account, from the bank statement
    PAYROLL_PREPARE = "payroll.prepare"  # the general contractor pays: bank file / results, rules, ledger
    PAYROLL_EMPLOYER = "payroll.employer"  # the employer prepares: build, issue slips, hold, release, submit
    PAYROLL_LEDGER = "payroll.ledger"  # the wage ledger with full ID numbers and phones (Art. 15)
    PAYROLL_REVIEW = "payroll.review"  # the GC's labour manager reviews a subcontractor's payroll (Art. 28)
    PAYROLL_APPROVE = "payroll.approve"  # approve / reject (never one's own: services/payroll/approval.py)
    PAYROLL_LINES = "payroll.lines"  # the lines with names and amounts, the wage sheet
    PAYROLL_STATUS = "payroll.status"  # status and totals only (supervisor, owner)
    PIECE_WORK_ENTER = "payroll.piece_work"


class Reach(StrEnum):
    PROJECT = "project"
    COMPANY = "company"  # one employer's teams and payrolls: the clerk's company, the GC for its labour manager
    TEAM = "team"
    SELF = "self"


R = Role
OVERSIGHT = {R.PROJECT_ADMIN: Reach.PROJECT, R.LABOUR_MANAGER: Reach.PROJECT, R.PAYROLL_APPROVER: Reach.PROJECT,
             R.SUPERVISOR: Reach.PROJECT, R.OWNER: Reach.PROJECT}

POLICY: dict[Action, dict[Role, Reach]] = {
    Action.PROJECT_VIEW: {**OVERSIGHT, R.TEAM_LEADER: Reach.PROJECT, R.WORKER: Reach.PROJECT,
                          R.SUBCONTRACTOR_CLERK: Reach.PROJECT},
    Action.PROJECT_UPDATE: {R.PROJECT_ADMIN: Reach.PROJECT},
    Action.PARTICIPANT_VIEW: {**OVERSIGHT, R.TEAM_LEADER: Reach.PROJECT, R.WORKER: Reach.PROJECT,
                              R.SUBCONTRACTOR_CLERK: Reach.PROJECT},
    Action.PARTICIPANT_MANAGE: {R.PROJECT_ADMIN: Reach.PROJECT},
    Action.TEAM_VIEW: {**OVERSIGHT, R.TEAM_LEADER: Reach.TEAM, R.WORKER: Reach.TEAM, R.SUBCONTRACTOR_CLERK: Reach.COMPANY},
    Action.TEAM_MANAGE: {R.PROJECT_ADMIN: Reach.PROJECT, R.LABOUR_MANAGER: Reach.PROJECT},
    Action.MEMBER_VIEW: {**OVERSIGHT, R.TEAM_LEADER: Reach.TEAM, R.WORKER: Reach.SELF,
                         R.SUBCONTRACTOR_CLERK: Reach.COMPANY},
    Action.MEMBER_MANAGE: {R.PROJECT_ADMIN: Reach.PROJECT},
    Action.MEMBER_PII_READ: {R.PROJECT_ADMIN: Reach.PROJECT, R.LABOUR_MANAGER: Reach.PROJECT},
    Action.ENROLLMENT_REVIEW: {R.PROJECT_ADMIN: Reach.PROJECT, R.LABOUR_MANAGER: Reach.PROJECT},
    Action.PROFILE_VIEW: {R.PROJECT_ADMIN: Reach.PROJECT, R.LABOUR_MANAGER: Reach.PROJECT, R.WORKER: Reach.SELF},
    Action.TRAINING_MANAGE: {R.PROJECT_ADMIN: Reach.PROJECT, R.LABOUR_MANAGER: Reach.PROJECT},
    Action.TRAINING_VIEW: {**OVERSIGHT, R.TEAM_LEADER: Reach.TEAM, R.WORKER: Reach.SELF},
    Action.CONTRACT_TEMPLATE_MANAGE: {R.PROJECT_ADMIN: Reach.PROJECT, R.LABOUR_MANAGER: Reach.PROJECT},
    Action.CONTRACT_VIEW: {R.PROJECT_ADMIN: Reach.PROJECT, R.LABOUR_MANAGER: Reach.PROJECT,
                           R.SUPERVISOR: Reach.PROJECT, R.WORKER: Reach.SELF},
    Action.CONTRACT_TERMINATE: {R.PROJECT_ADMIN: Reach.PROJECT, R.LABOUR_MANAGER: Reach.PROJECT},
    Action.FACE_CHECK: {role: Reach.SELF for role in Role},
    Action.MEMBER_INVITE: {R.PROJECT_ADMIN: Reach.PROJECT},
    # a worker's team sets their wage: moved by the labour manager, never by the worker
    Action.MEMBER_TEAM_CHANGE: {R.PROJECT_ADMIN: Reach.PROJECT, R.LABOUR_MANAGER: Reach.PROJECT},
    Action.FACE_REENROLL_APPROVE: {R.PROJECT_ADMIN: Reach.PROJECT, R.LABOUR_MANAGER: Reach.PROJECT},
    # distances, thresholds and anti-spoof scores help tune a spoof: never shown to the worker
    Action.FACE_RESULT_REVIEW: {R.PROJECT_ADMIN: Reach.PROJECT, R.LABOUR_MANAGER: Reach.PROJECT},
    Action.ATTENDANCE_VIEW: {**OVERSIGHT, R.TEAM_LEADER: Reach.TEAM, R.WORKER: Reach.SELF,
                             R.SUBCONTRACTOR_CLERK: Reach.COMPANY},
    Action.ATTENDANCE_CONFIRM: {R.LABOUR_MANAGER: Reach.PROJECT, R.TEAM_LEADER: Reach.TEAM},
    Action.ATTENDANCE_EVIDENCE: {R.LABOUR_MANAGER: Reach.PROJECT, R.TEAM_LEADER: Reach.TEAM},
    Action.ATTENDANCE_FRAUD_DETAIL: {R.LABOUR_MANAGER: Reach.PROJECT},
    Action.OVERSIGHT_VIEW: OVERSIGHT,
    Action.WARNING_HANDLE: {R.PROJECT_ADMIN: Reach.PROJECT, R.LABOUR_MANAGER: Reach.PROJECT},
    Action.FINDING_RECORD: {R.SUPERVISOR: Reach.PROJECT},
    Action.FINDING_ANSWER: {R.PROJECT_ADMIN: Reach.PROJECT, R.LABOUR_MANAGER: Reach.PROJECT},
    Action.OVERSIGHT_EXPORT: {R.PROJECT_ADMIN: Reach.PROJECT, R.LABOUR_MANAGER: Reach.PROJECT,
                              R.PAYROLL_APPROVER: Reach.PROJECT, R.SUPERVISOR: Reach.PROJECT,
                              R.TEAM_LEADER: Reach.TEAM},
    Action.PUSH_VIEW: {R.PROJECT_ADMIN: Reach.PROJECT, R.LABOUR_MANAGER: Reach.PROJECT},
    Action.PUSH_RESEND: {R.PROJECT_ADMIN: Reach.PROJECT, R.LABOUR_MANAGER: Reach.PROJECT},
    Action.NOTICE_BOARD_MANAGE: {R.PROJECT_ADMIN: Reach.PROJECT, R.LABOUR_MANAGER: Reach.PROJECT},
    Action.DEPOSIT_RECORD: {R.PROJECT_ADMIN: Reach.PROJECT, R.LABOUR_MANAGER: Reach.PROJECT},
    Action.PAYROLL_PREPARE: {R.LABOUR_MANAGER: Reach.PROJECT},
    # the employer's own clerk prepares; the GC's labour manager prepares the GC's own teams only
    Action.PAYROLL_EMPLOYER: {R.LABOUR_MANAGER: Reach.COMPANY, R.SUBCONTRACTOR_CLERK: Reach.COMPANY},
    Action.PAYROLL_REVIEW: {R.LABOUR_MANAGER: Reach.PROJECT},
    Action.PAYROLL_LEDGER: {R.LABOUR_MANAGER: Reach.PROJECT, R.PROJECT_ADMIN: Reach.PROJECT},
    Action.PAYROLL_APPROVE: {R.PAYROLL_APPROVER: Reach.PROJECT},
    Action.PAYROLL_LINES: {R.LABOUR_MANAGER: Reach.PROJECT, R.PAYROLL_APPROVER: Reach.PROJECT,
                           R.SUBCONTRACTOR_CLERK: Reach.COMPANY},
    Action.PAYROLL_STATUS: {**OVERSIGHT, R.SUBCONTRACTOR_CLERK: Reach.COMPANY},
    Action.PIECE_WORK_ENTER: {R.LABOUR_MANAGER: Reach.PROJECT, R.TEAM_LEADER: Reach.TEAM},
}


def may(user_id: int, action: Action, project_id: int, *, team_id: int | None = None,
        subject_user_id: int | None = None, company_id: int | None = None) -> bool:
    """authorize() as a yes/no, for what an answer shows (not for refusing)."""
    try:
        authorize(user_id, action, project_id, team_id=team_id, subject_user_id=subject_user_id,
                  company_id=company_id)
    except (Forbidden, ProjectNotFound):
        return False
    return True


@dataclass(frozen=True)
class Scope:
    """How far a caller reaches for one action in one project."""

    whole_project: bool
    team_ids: frozenset[int]
    self_user_id: int | None
    company_ids: frozenset[int] = frozenset()

    def allows(self, *, team_id: int | None = None, subject_user_id: int | None = None,
               company_id: int | None = None) -> bool:
        if self.whole_project:
            return True
        if company_id is not None and company_id in self.company_ids:
            return True
        if team_id is not None and team_id in self.team_ids:
            return True
        return subject_user_id is not None and subject_user_id == self.self_user_id


def general_contractor_of(project_id: int) -> int | None:
    return db.session.execute(select(ProjectCompany.company_id).where(
        ProjectCompany.project_id == project_id, ProjectCompany.role == ParticipantRole.GENERAL_CONTRACTOR.value)
        .order_by(ProjectCompany.id).limit(1)).scalar_one_or_none()


def company_teams(project_id: int, company_id: int) -> list[int]:
    """The teams of one employer in the project (a team naming no company is the general contractor's)."""
    gc = general_contractor_of(project_id)
    condition = Team.company_id == company_id
    if company_id == gc:
        condition = or_(condition, Team.company_id.is_(None))
    return list(db.session.execute(select(Team.id).where(Team.project_id == project_id, condition)).scalars())


def memberships_in(user_id: int, project_id: int) -> list[Membership]:
    return list(db.session.execute(
        select(Membership).where(
            Membership.user_id == user_id, Membership.project_id == project_id,
            Membership.status.not_in((MembershipStatus.LEFT.value, MembershipStatus.REJECTED.value)),
        )
    ).scalars())


def active_memberships_in(user_id: int, project_id: int) -> list[Membership]:
    """The memberships that grant rights: a pending one (the join code typed, not yet
    reviewed) grants nothing but the applicant's own application (/me)."""
    return list(db.session.execute(
        select(Membership).where(
            Membership.user_id == user_id, Membership.project_id == project_id,
            Membership.status == MembershipStatus.ACTIVE.value,
        )
    ).scalars())


def scope(user_id: int, action: Action, project_id: int, *, memberships: list[Membership] | None = None) -> Scope:
    """The caller's reach; raises NotFound for outsiders and Forbidden for members without the action.
    ``memberships``: the caller's active ones in the project, when the caller read them in its own query."""
    if memberships is None:
        memberships = active_memberships_in(user_id, project_id)
    if not memberships:
        raise ProjectNotFound()
    rules = POLICY[action]
    whole, teams, companies, self_id, any_rule = False, set(), set(), None, False
    for m in memberships:
        reach = rules.get(Role(m.role))
        if reach is None:
            continue
        any_rule = True
        if reach is Reach.PROJECT:
            whole = True
        elif reach is Reach.COMPANY:
            company = m.company_id or general_contractor_of(project_id)  # GC staff hold no company of their own
            if company is not None:
                companies.add(company)
                teams.update(company_teams(project_id, company))  # an employer reaches its own teams
        elif reach is Reach.TEAM and m.team_id is not None:
            teams.add(m.team_id)
        elif reach is Reach.SELF:
            self_id = user_id
    if not any_rule:
        raise Forbidden()
    return Scope(whole, frozenset(teams), self_id, frozenset(companies))


def authorize(user_id: int, action: Action, project_id: int, *, team_id: int | None = None,
              subject_user_id: int | None = None, company_id: int | None = None,
              memberships: list[Membership] | None = None) -> Scope:
    """Allow or refuse one action on one object (a project, a team, an employer or a person in it)."""
    s = scope(user_id, action, project_id, memberships=memberships)
    if team_id is None and subject_user_id is None and company_id is None:
        if not s.whole_project:
            raise Forbidden()
        return s
    if not s.allows(team_id=team_id, subject_user_id=subject_user_id, company_id=company_id):
        raise Forbidden()
    return s

