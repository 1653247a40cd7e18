"""Small factories for test data: each makes just what the test names."""

from __future__ import annotations

from itertools import count

from flask.testing import FlaskClient

from models import Membership, Role, User, db
from services import org

_seq = count(1)

GEOFENCE = {"type": "circle", "center": {"lat": 22.543096, "lng": 114.057865}, "radius_m": 300}
USCCS = ["91440300279569123Q", "91440300192174135N", "91440300MA5DC12341"]


def make_user(openid: str | None = None, name: str | None = None) -> User:
    user = User(openid=openid or f"user-{next(_seq)}", display_name=name)
    db.session.add(user)
    db.session.flush()
    return user


def make_company(actor: User, uscc: str = USCCS[0], name: str = "测试建设集团"):
    return org.create_company(actor.id, name, uscc)


def make_project(admin: User, *, company=None, join_code: str | None = None):
    company = company or make_company(admin)
    return org.create_project(
        admin.id, name="测试项目", address="深圳市测试路1号", general_contractor_id=company.id,
        wage_account_bank="测试银行", wage_account_no="6222020200112233445", geofence=GEOFENCE,
        join_code=join_code,
    )


def make_team(admin: User, project, *, name: str = "钢筋班", leader: User | None = None, wage_fen: int = 35000):
    team = org.create_team(admin.id, project.id, name=name, default_day_wage_fen=wage_fen)
    if leader is not None:
        # a leader must already work in the project (the invitation's result, without the round trip)
        add_member(project, leader, Role.TEAM_LEADER, team)
        org.update_team(admin.id, team.id, {"leader_user_id": leader.id})
    return team


def add_member(project, user: User, role: Role, team=None) -> Membership:
    m = Membership(project_id=project.id, user_id=user.id, role=role.value, team_id=team.id if team else None)
    db.session.add(m)
    db.session.flush()
    return m


def login(client: FlaskClient, openid: str) -> dict[str, str]:
    resp = client.post("/api/v1/auth/login", json={"code": f"fake:{openid}"})
    assert resp.status_code == 200, resp.get_json()
    return {"Authorization": f"Bearer {resp.get_json()['token']}"}


def bearer(user: User) -> dict[str, str]:
    """A token for a user made in the test (no WeChat round trip)."""
    from services.auth import issue_token

    return {"Authorization": f"Bearer {issue_token(user).token}"}
