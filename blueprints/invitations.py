"""Invitations: the project admin invites, the invitee accepts."""

from __future__ import annotations

from flask import current_app

from blueprints.api import actor_id, answer, api_blueprint, login_required
from blueprints.contract import raises
from blueprints.limits import rate_limited
from schemas.common import ProjectPath
from schemas.invitations import InvitationAccepted, InvitationCodePath, InvitationIn, InvitationOut
from services import invitations

bp = api_blueprint("invitations", __name__, "org", "企业、项目、参建单位、班组与成员")


@bp.post("/projects/<int:project_id>/invitations", responses={201: InvitationOut},
         summary="邀请加入项目并授予角色（项目管理员；邀请码一次有效、短时有效）")
@login_required
@raises("COMPANY_NOT_PARTICIPANT", "PROJECT_NOT_FOUND", "FORBIDDEN", "TEAM_REQUIRED")
def create_invitation(path: ProjectPath, body: InvitationIn):
    invitation, code = invitations.create_invitation(
        actor_id(), path.project_id, role=body.role, team_id=body.team_id, company_id=body.company_id,
        ttl_seconds=current_app.config["INVITATION_TTL_SECONDS"])
    return answer(InvitationOut(invitation_id=invitation.id, project_id=invitation.project_id, role=invitation.role,
                                team_id=invitation.team_id, company_id=invitation.company_id, code=code, expires_at=invitation.expires_at), 201)


@bp.post("/invitations/<code>/accept", responses={200: InvitationAccepted}, summary="受邀人接受邀请，加入项目")
@rate_limited("invitation")
@login_required
@raises("INVITATION_NOT_FOUND", "INVITATION_USED", "INVITATION_EXPIRED", "MEMBERSHIP_CHANGED")
def accept_invitation(path: InvitationCodePath):
    membership, project = invitations.accept_invitation(actor_id(), path.code)
    return answer(InvitationAccepted(membership_id=membership.id, project_id=project.id, project_name=project.name,
                                     role=membership.role, team_id=membership.team_id, status=membership.status))
