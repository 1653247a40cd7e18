"""Companies, projects, participating companies, teams, members, joining a project."""

from __future__ import annotations

from blueprints.api import actor_id, answer, api_blueprint, login_required, next_cursor, page_from, writes
from blueprints.contract import raises
from blueprints.limits import rate_limited
from blueprints.mobile import etag
from schemas.auth import PhoneRevealOut
from schemas.common import CompanyPath, ListQuery, MemberPath, ProjectPath, TeamPath
from schemas.contracts import SealForm
from schemas.invitations import MemberTeamIn
from schemas.org import (
    CompanyIn,
    CompanyOut,
    CompanyParticularsIn,
    CompanySealUploaded,
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
from services import companies, invitations, org
from services.contracts import parties
from services.contracts.signing import SIGNATURE_MAX_BYTES

bp = api_blueprint("org", __name__, "org", "企业、项目、参建单位、班组与成员")


@bp.post("/companies", responses={201: CompanyOut}, summary="登记企业（校验统一社会信用代码）")
@login_required
@raises("USCC_INVALID", "COMPANY_EXISTS")
def create_company(body: CompanyIn):
    return answer(CompanyOut.of(org.create_company(actor_id(), body.name, body.uscc)), 201)


@bp.get("/companies/<int:company_id>", responses={200: CompanyOut},
        summary="企业信息（登记人及该企业参建项目的成员可见）")
@login_required
@raises("COMPANY_NOT_FOUND")
@etag
def get_company(path: CompanyPath):
    return answer(CompanyOut.of(companies.read_company(actor_id(), path.company_id)))


@bp.put("/companies/<int:company_id>", responses={200: CompanyOut},
        summary="填写企业的合同甲方信息：法定代表人、住所、联系电话（企业登记人，或该企业参建项目的项目管理员）")
@login_required
@raises("COMPANY_NOT_FOUND", "FORBIDDEN")
def update_company(path: CompanyPath, body: CompanyParticularsIn):
    return answer(CompanyOut.of(companies.update_particulars(actor_id(), path.company_id, body.model_dump())))


@bp.put("/companies/<int:company_id>/seal", responses={200: CompanySealUploaded},
        summary="登记企业电子印章（PNG；授权签署人签合同时可加盖，代替手写签名）")
@login_required
@raises("COMPANY_NOT_FOUND", "FORBIDDEN", "SIGNATURE_INVALID", "STORAGE_UNAVAILABLE")
def update_company_seal(path: CompanyPath, form: SealForm):
    png = form.seal.stream.read(SIGNATURE_MAX_BYTES + 1)
    return answer(CompanySealUploaded.of(parties.register_seal(actor_id(), path.company_id, png)))


@bp.post("/projects", responses={201: ProjectOut}, summary="创建项目（创建者成为项目管理员）")
@login_required
@raises("COMPANY_NOT_FOUND", "WAGE_ACCOUNT_INVALID", "GEOFENCE_OUT_OF_RANGE", "GEOFENCE_DEGENERATE",
        "JOIN_CODE_TAKEN")
def create_project(body: ProjectIn):
    project = org.create_project(
        actor_id(), name=body.name, address=body.address, general_contractor_id=body.general_contractor_id,
        wage_account_bank=body.wage_account_bank, wage_account_no=body.wage_account_no,
        geofence=body.geofence.model_dump(), liveness_mode=body.liveness_mode,
    )
    return answer(ProjectOut.model_validate(project), 201)


@bp.get("/projects/<int:project_id>", responses={200: ProjectOut}, summary="项目详情")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN")
@etag
def get_project(path: ProjectPath):
    return answer(ProjectOut.model_validate(org.get_project(actor_id(), path.project_id)))


@bp.patch("/projects/<int:project_id>", responses={200: ProjectOut}, summary="修改项目（项目管理员）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "WAGE_ACCOUNT_INVALID", "GEOFENCE_OUT_OF_RANGE",
        "GEOFENCE_DEGENERATE")
def update_project(path: ProjectPath, body: ProjectPatch):
    changes = body.model_dump(exclude_unset=True)
    return answer(ProjectOut.model_validate(org.update_project(actor_id(), path.project_id, changes)))


# wx.request has no PATCH: each PATCH also answers PUT on the same path with the same body
# (fields left out stay as they are), so a mini-program can call it
@bp.put("/projects/<int:project_id>", responses={200: ProjectOut},
        summary="修改项目（项目管理员；与 PATCH 相同，未给出的字段不变；小程序用 PUT）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "WAGE_ACCOUNT_INVALID", "GEOFENCE_OUT_OF_RANGE",
        "GEOFENCE_DEGENERATE")
def put_project(path: ProjectPath, body: ProjectPatch):
    return update_project(path=path, body=body)


@bp.post("/projects/<int:project_id>/participants", responses={201: ParticipantOut},
         summary="添加参建单位（项目管理员）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "COMPANY_NOT_FOUND", "PARTICIPANT_EXISTS")
def add_participant(path: ProjectPath, body: ParticipantIn):
    return answer(ParticipantOut.of(*org.add_participant(actor_id(), path.project_id, body.company_id,
                                                         body.role)), 201)


@bp.get("/projects/<int:project_id>/participants", responses={200: ParticipantList}, summary="参建单位列表")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN")
@etag
def list_participants(path: ProjectPath, query: ListQuery):
    paged = org.participants(actor_id(), path.project_id, page_from(query))
    return answer(ParticipantList(items=[ParticipantOut.of(*row) for row in paged.items],
                                  next_cursor=next_cursor(paged)))


@bp.post("/projects/<int:project_id>/teams", responses={201: TeamOut},
         summary="创建班组（项目管理员、劳资专管员）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "COMPANY_NOT_PARTICIPANT", "TEAM_EXISTS", "LEADER_NOT_MEMBER")
def create_team(path: ProjectPath, body: TeamIn):
    team = org.create_team(actor_id(), path.project_id, name=body.name,
                           default_day_wage_fen=body.default_day_wage_fen, company_id=body.company_id,
                           trade=body.trade, leader_user_id=body.leader_user_id)
    return answer(TeamOut.model_validate(team), 201)


@bp.get("/projects/<int:project_id>/teams", responses={200: TeamList},
        summary="班组列表（班组长和工人只看到自己的班组）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN")
@etag
def list_teams(path: ProjectPath, query: ListQuery):
    paged = org.teams(actor_id(), path.project_id, page_from(query))
    return answer(TeamList(items=[TeamOut.model_validate(t) for t in paged.items], next_cursor=next_cursor(paged)))


@bp.get("/teams/<int:team_id>", responses={200: TeamOut}, summary="班组详情")
@login_required
@raises("TEAM_NOT_FOUND", "PROJECT_NOT_FOUND", "FORBIDDEN")
@etag
def get_team(path: TeamPath):
    return answer(TeamOut.model_validate(org.get_team(actor_id(), path.team_id)))


@bp.patch("/teams/<int:team_id>", responses={200: TeamOut}, summary="修改班组（项目管理员、劳资专管员）")
@login_required
@raises("TEAM_NOT_FOUND", "PROJECT_NOT_FOUND", "FORBIDDEN", "COMPANY_NOT_PARTICIPANT", "TEAM_EXISTS", "LEADER_NOT_MEMBER")
def update_team(path: TeamPath, body: TeamPatch):
    return answer(TeamOut.model_validate(org.update_team(actor_id(), path.team_id, body.model_dump(exclude_unset=True))))


@bp.put("/teams/<int:team_id>", responses={200: TeamOut},
        summary="修改班组（项目管理员、劳资专管员；与 PATCH 相同，未给出的字段不变；小程序用 PUT）")
@login_required
@raises("TEAM_NOT_FOUND", "PROJECT_NOT_FOUND", "FORBIDDEN", "COMPANY_NOT_PARTICIPANT", "TEAM_EXISTS", "LEADER_NOT_MEMBER")
def put_team(path: TeamPath, body: TeamPatch):
    return update_team(path=path, body=body)


@bp.get("/projects/<int:project_id>/members", responses={200: MemberList},
        summary="成员列表（班组长看本班组，工人只看自己）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN")
@etag
def list_members(path: ProjectPath, query: ListQuery):
    paged = org.members(actor_id(), path.project_id, page_from(query))
    return answer(MemberList(items=[MemberOut.of(*row) for row in paged.items], next_cursor=next_cursor(paged)))


@bp.post("/projects/<int:project_id>/members", responses={201: MemberOut},
         summary="调整在岗成员的角色（项目管理员；新成员请用邀请）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "USER_NOT_FOUND", "TEAM_REQUIRED", "MEMBERSHIP_CHANGED", "MEMBER_NOT_FOUND", "ENROLLMENT_SELF_REVIEW")
def grant_role(path: ProjectPath, body: MemberIn):
    return answer(MemberOut.of(*org.grant_role(actor_id(), path.project_id, user_id=body.user_id,
                                               role=body.role, team_id=body.team_id)), 201)


@bp.get("/projects/<int:project_id>/members/<int:user_id>/phone", responses={200: PhoneRevealOut},
        summary="查看成员完整手机号（项目管理员、劳资专管员；记录审计日志）")
@rate_limited("pii")
@writes
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "MEMBER_NOT_FOUND")
def reveal_member_phone(path: MemberPath):
    return answer(PhoneRevealOut(phone=org.reveal_member_phone(actor_id(), path.project_id, path.user_id)))


@bp.patch("/projects/<int:project_id>/members/<int:user_id>", responses={200: MemberOut},
          summary="工人调换班组（项目管理员、劳资专管员；记录审计日志）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "MEMBER_NOT_FOUND", "TEAM_REQUIRED")
def change_member_team(path: MemberPath, body: MemberTeamIn):
    return answer(MemberOut.of(*invitations.change_team(actor_id(), path.project_id, path.user_id, body.team_id)))


@bp.put("/projects/<int:project_id>/members/<int:user_id>", responses={200: MemberOut},
        summary="工人调换班组（与 PATCH 相同；小程序用 PUT）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "MEMBER_NOT_FOUND", "TEAM_REQUIRED")
def put_member_team(path: MemberPath, body: MemberTeamIn):
    return change_member_team(path=path, body=body)


@bp.post("/projects/join", responses={201: JoinOut}, summary="工人凭项目码加入项目（待劳资专管员审核）")
@rate_limited("join")
@login_required
@raises("JOIN_CODE_INVALID", "TEAM_NOT_IN_PROJECT", "ALREADY_JOINED", "TEAM_CHANGE_NEEDS_REVIEW")
def join_project(body: JoinIn):
    return answer(JoinOut.of(*org.join_project(actor_id(), body.join_code, body.team_id)), 201)
