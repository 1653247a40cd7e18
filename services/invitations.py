"""Roles come by invitation: the project admin issues a one-use, short-lived code and the
invitee accepts it themselves. Nobody is put into a project (and shown to its managers,
phone number included) without their own act."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from models import Invitation, Membership, MembershipStatus, Project, Role, Team, User, db
from models.base import utcnow
from services import audit
from services.authz import Action, authorize
from services.errors import Conflict, NotFound, Unprocessable
from services.org import assign_leader, get_project, hold_role, role_company, role_team


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def create_invitation(actor_id: int, project_id: int, *, role: str, team_id: int | None,
                      ttl_seconds: int, company_id: int | None = None) -> tuple[Invitation, str]:
    """Returns the invitation and its code; the code is shown once and only its hash is kept."""
    get_project(actor_id, project_id, Action.MEMBER_INVITE)
    team_id = role_team(project_id, role, team_id)
    company_id = role_company(project_id, role, company_id)
    code = secrets.token_urlsafe(18)  # 144 bits: not guessable, even without the rate limit
    invitation = Invitation(project_id=project_id, role=role, team_id=team_id, company_id=company_id, code_hash=_code_hash(code),
                            created_by=actor_id, expires_at=utcnow() + timedelta(seconds=ttl_seconds))
    db.session.add(invitation)
    db.session.flush()
    audit.record("invitation.created", actor_user_id=actor_id, object_type="invitation", object_id=invitation.id,
                 details={"project_id": project_id, "role": role, "team_id": team_id, "company_id": company_id})
    return invitation, code


def accept_invitation(actor_id: int, code: str) -> tuple[Membership, Project]:
    invitation = db.session.execute(
        select(Invitation).where(Invitation.code_hash == _code_hash(code.strip()))).scalar_one_or_none()
    if invitation is None:
        raise NotFound("INVITATION_NOT_FOUND")
    if invitation.accepted_at is not None:
        raise Conflict("INVITATION_USED")
    now = utcnow()
    if invitation.expires_at <= now:
        raise Unprocessable("INVITATION_EXPIRED")
    # one use, even when two phones accept at the same moment: only one conditional update wins
    claimed = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=now, accepted_by=actor_id))
    if claimed.rowcount != 1:
        raise Conflict("INVITATION_USED")
    membership = hold_role(invitation.project_id, actor_id, invitation.role, invitation.team_id,
                           company_id=invitation.company_id)
    if invitation.role == Role.TEAM_LEADER and invitation.team_id is not None:
        team = db.session.get(Team, invitation.team_id)
        if team is not None:
            assign_leader(team, actor_id)
    audit.record("invitation.accepted", actor_user_id=actor_id, object_type="membership", object_id=membership.id,
                 details={"invitation_id": invitation.id, "project_id": invitation.project_id,
                          "role": invitation.role, "team_id": invitation.team_id})
    return membership, db.session.get(Project, invitation.project_id)  # type: ignore[return-value]


def change_team(actor_id: int, project_id: int, user_id: int, team_id: int) -> tuple[Membership, User]:
    """The labour manager moves a worker (their wage follows the team); audited with both teams."""
    authorize(actor_id, Action.MEMBER_TEAM_CHANGE, project_id)
    membership = db.session.execute(select(Membership).where(
        Membership.project_id == project_id, Membership.user_id == user_id, Membership.role == Role.WORKER.value,
        Membership.status != MembershipStatus.LEFT.value)).scalar_one_or_none()
    if membership is None:
        raise NotFound("MEMBER_NOT_FOUND", "该用户不是本项目的工人")
    team_id = role_team(project_id, Role.WORKER.value, team_id)  # type: ignore[assignment]
    previous, membership.team_id = membership.team_id, team_id
    db.session.flush()
    audit.record("membership.team_changed", actor_user_id=actor_id, object_type="membership",
                 object_id=membership.id, details={"user_id": user_id, "from_team_id": previous,
                                                   "team_id": team_id})
    return membership, db.session.get(User, user_id)  # type: ignore[return-value]
