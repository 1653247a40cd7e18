"""The enrollment site every enrollment and contract test starts from, and the worker's path to it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from devtools.fake_wechat import face_verify_result
from models import Role, User, db
from tests.factories import (
    add_member,
    bearer,
    give_consents,
    make_face_template,
    make_project,
    make_team,
    make_user,
    profile_body,
)


@dataclass
class Site:
    project_id: int
    join_code: str
    team_id: int
    users: dict[str, int]
    headers: dict[str, dict[str, str]]


@pytest.fixture
def site(app) -> Site:
    with app.app_context():
        users = {name: make_user(name) for name in ("admin", "labour", "leader", "worker", "other")}
        project = make_project(users["admin"])
        team = make_team(users["admin"], project, leader=users["leader"], wage_fen=36000)
        add_member(project, users["labour"], Role.LABOUR_MANAGER)
        db.session.commit()
        return Site(project.id, project.join_code, team.id, {k: u.id for k, u in users.items()},
                    {k: bearer(u) for k, u in users.items()})


def error(resp) -> dict:
    return resp.get_json()["error"]


def apply(client, site: Site, who: str = "worker", *, face: bool = True, identity: bool = True, **profile) -> int:
    """A worker who consents to everything, fills the profile, passes WeChat 人脸核身 (the fake WeChat
    answers it) and joins; returns the membership id."""
    headers = site.headers[who]
    give_consents(client, headers)
    body = profile_body(**profile)
    resp = client.put("/api/v1/me/profile", json=body, headers=headers)
    assert resp.status_code == 200, resp.get_json()
    if identity:
        verified = client.post("/api/v1/me/identity-verifications", headers=headers, json={
            "verify_result": face_verify_result(body["id_number"], body["name"])})
        assert verified.status_code == 201, verified.get_json()
    joined = client.post("/api/v1/projects/join", json={"join_code": site.join_code, "team_id": site.team_id},
                         headers=headers)
    assert joined.status_code == 201
    if face:
        with client.application.app_context():
            make_face_template(db.session.get(User, site.users[who]))
            db.session.commit()
    return joined.get_json()["membership_id"]
