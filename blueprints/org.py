"""Companies, projects, participating companies, teams, members, joining a project."""

from __future__ import annotations

from blueprints.api import answer, api_blueprint, current_user, next_cursor, page_from, writes
from blueprints.contract import raises
from blueprints.mobile import etag
from models import Company, Membership, Project, Team, User
from schemas.auth import PhoneRevealOut
from schemas.common import CompanyPath, ListQuery, MemberPath, ProjectPath, TeamPath
from schemas.org import (
    CompanyIn,
    CompanyOut,
    JoinIn,
    JoinOut,
    MemberIn,
    MemberList,
    MemberOut,
    ParticipantIn,
    ParticipantList,
    ParticipantOut,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
    TeamIn,
    TeamList,
    TeamOut,
    TeamPatch,
)
from services import org

bp = api_blueprint("org", __name__, "org", "企业、项目、参建单位、班组与成员")


def company_out(c: Company) -> CompanyOut:
    return CompanyOut(id=c.id, name=c.name, uscc=c.uscc, created_at=c.created_at)


def project_out(p: Project) -> ProjectOut:
    return ProjectOut.model_validate({
        "id": p.id, "name": p.name, "address": p.address, "join_code": p.join_code,
        "wage_account_bank": p.wage_account_bank, "wage_account_no_masked": p.wage_account_no_masked,
        "geofence": p.geofence, "liveness_mode": p.liveness_mode, "created_at": p.created_at,
    })


def team_out(t: Team) -> TeamOut:
    return TeamOut(id=t.id, project_id=t.project_id, name=t.name, trade=t.trade, company_id=t.company_id,
                   leader_user_id=t.leader_user_id, default_day_wage_fen=t.default_day_wage_fen)


def member_out(m: Membership, u: User) -> MemberOut:
    return MemberOut(membership_id=m.id, user_id=u.id, display_name=u.display_name, phone_masked=u.phone_masked,
                     role=m.role, team_id=m.team_id, status=m.status)


@bp.post("/companies", responses={201: CompanyOut}, summary="登记企业（校验统一社会信用代码）")
@raises("USCC_INVALID", "COMPANY_EXISTS")
def create_company(body: CompanyIn):
    return answer(company_out(org.create_company(current_user(), body.name, body.uscc)), 201)


@bp.get("/companies/<int:company_id>", responses={200: CompanyOut}, summary="企业信息")
@raises("COMPANY_NOT_FOUND")
@etag
def get_company(path: CompanyPath):
    current_user()
    return answer(company_out(org.get_company(path.company_id)))


@bp.post("/projects", responses={201: ProjectOut}, summary="创建项目（创建者成为项目管理员）")
@raises("COMPANY_NOT_FOUND", "WAGE_ACCOUNT_INVALID", "GEOFENCE_OUT_OF_RANGE", "GEOFENCE_DEGENERATE",
        "JOIN_CODE_TAKEN")
def create_project(body: ProjectIn):
    project = org.create_project(
        current_user(), name=body.name, address=body.address, general_contractor_id=body.general_contractor_id,
        wage_account_bank=body.wage_account_bank, wage_account_no=body.wage_account_no,
        geofence=body.geofence.model_dump(), liveness_mode=body.liveness_mode,
    )
    return answer(project_out(project), 201)


@bp.get("/projects/<int:project_id>", responses={200: ProjectOut}, summary="项目详情")
@raises("PROJECT_NOT_FOUND", "FORBIDDEN")
@etag
def get_project(path: ProjectPath):
    return answer(project_out(org.get_project(current_user(), path.project_id)))


@bp.patch("/projects/<int:project_id>", responses={200: ProjectOut}, summary="修改项目（项目管理员）")
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "WAGE_ACCOUNT_INVALID", "GEOFENCE_OUT_OF_RANGE",
        "GEOFENCE_DEGENERATE")
def update_project(path: ProjectPath, body: ProjectPatch):
    changes = body.model_dump(exclude_unset=True)
    return answer(project_out(org.update_project(current_user(), path.project_id, changes)))


@bp.post("/projects/<int:project_id>/participants", responses={201: ParticipantOut},
         summary="添加参建单位（项目管理员）")
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "COMPANY_NOT_FOUND", "PARTICIPANT_EXISTS")
def add_participant(path: ProjectPath, body: ParticipantIn):
    link, company = org.add_participant(current_user(), path.project_id, body.company_id, body.role)
    return answer(ParticipantOut(id=link.id, company_id=company.id, company_name=company.name,
                                 uscc=company.uscc, role=link.role), 201)


@bp.get("/projects/<int:project_id>/participants", responses={200: ParticipantList}, summary="参建单位列表")
@raises("PROJECT_NOT_FOUND", "FORBIDDEN")
@etag
def list_participants(path: ProjectPath, query: ListQuery):
    paged = org.participants(current_user(), path.project_id, page_from(query))
    items = [ParticipantOut(id=pc.id, company_id=c.id, company_name=c.name, uscc=c.uscc, role=pc.role)
             for pc, c in paged.items]
    return answer(ParticipantList(items=items, next_cursor=next_cursor(paged)))


@bp.post("/projects/<int:project_id>/teams", responses={201: TeamOut},
         summary="创建班组（项目管理员、劳资专管员）")
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "COMPANY_NOT_PARTICIPANT", "LEADER_NOT_FOUND", "TEAM_EXISTS")
def create_team(path: ProjectPath, body: TeamIn):
    team = org.create_team(current_user(), path.project_id, name=body.name,
                           default_day_wage_fen=body.default_day_wage_fen, company_id=body.company_id,
                           trade=body.trade, leader_user_id=body.leader_user_id)
    return answer(team_out(team), 201)


@bp.get("/projects/<int:project_id>/teams", responses={200: TeamList},
        summary="班组列表（班组长和工人只看到自己的班组）")
@raises("PROJECT_NOT_FOUND", "FORBIDDEN")
@etag
def list_teams(path: ProjectPath, query: ListQuery):
    paged = org.teams(current_user(), path.project_id, page_from(query))
    return answer(TeamList(items=[team_out(t) for t in paged.items], next_cursor=next_cursor(paged)))


@bp.get("/teams/<int:team_id>", responses={200: TeamOut}, summary="班组详情")
@raises("TEAM_NOT_FOUND", "PROJECT_NOT_FOUND", "FORBIDDEN")
@etag
def get_team(path: TeamPath):
    return answer(team_out(org.get_team(current_user(), path.team_id)))


@bp.patch("/teams/<int:team_id>", responses={200: TeamOut}, summary="修改班组（项目管理员、劳资专管员）")
@raises("TEAM_NOT_FOUND", "PROJECT_NOT_FOUND", "FORBIDDEN", "COMPANY_NOT_PARTICIPANT", "LEADER_NOT_FOUND",
        "TEAM_EXISTS")
def update_team(path: TeamPath, body: TeamPatch):
    return answer(team_out(org.update_team(current_user(), path.team_id, body.model_dump(exclude_unset=True))))


@bp.get("/projects/<int:project_id>/members", responses={200: MemberList},
        summary="成员列表（班组长看本班组，工人只看自己）")
@raises("PROJECT_NOT_FOUND", "FORBIDDEN")
@etag
def list_members(path: ProjectPath, query: ListQuery):
    paged = org.members(current_user(), path.project_id, page_from(query))
    return answer(MemberList(items=[member_out(m, u) for m, u in paged.items], next_cursor=next_cursor(paged)))


@bp.post("/projects/<int:project_id>/members", responses={201: MemberOut}, summary="授予项目角色（项目管理员）")
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "USER_NOT_FOUND", "TEAM_REQUIRED")
def grant_role(path: ProjectPath, body: MemberIn):
    m, subject = org.grant_role(current_user(), path.project_id, user_id=body.user_id, role=body.role,
                                team_id=body.team_id)
    return answer(member_out(m, subject), 201)


@bp.get("/projects/<int:project_id>/members/<int:user_id>/phone", responses={200: PhoneRevealOut},
        summary="查看成员完整手机号（项目管理员、劳资专管员；记录审计日志）")
@writes
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "MEMBER_NOT_FOUND")
def reveal_member_phone(path: MemberPath):
    return answer(PhoneRevealOut(phone=org.reveal_member_phone(current_user(), path.project_id, path.user_id)))


@bp.post("/projects/join", responses={201: JoinOut}, summary="工人凭项目码加入项目（待劳资专管员审核）")
@raises("JOIN_CODE_INVALID", "TEAM_NOT_IN_PROJECT")
def join_project(body: JoinIn):
    m, project = org.join_project(current_user(), body.join_code, body.team_id)
    return answer(JoinOut(membership_id=m.id, project_id=project.id, project_name=project.name,
                          team_id=m.team_id, status=m.status), 201)
