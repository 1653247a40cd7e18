"""Roles come by invitation (item 1 of issue 13): nobody is put into a project, made a team
leader or has their phone read without accepting an invitation themselves."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models import AuditEntry, Invitation, Membership, Role, db
from tests.factories import add_member, bearer, make_project, make_team, make_user


def _world(app):
    with app.app_context():
        admin, stranger, attacker = make_user("inv-admin"), make_user("inv-stranger"), make_user("inv-attacker")
        stranger.phone_masked = "139****0000"
        project = make_project(admin)
        team = make_team(admin, project, name="木工班")
        db.session.commit()
        return (project.id, team.id, {"admin": bearer(admin), "stranger": bearer(stranger),
                                      "attacker": bearer(attacker)}, stranger.id)


def test_a_stranger_cannot_be_added_and_read(client, app):
    """The attack: create a project, add any user id as a member, read their phone."""
    with app.app_context():
        victim = make_user("victim")
        attacker = make_user("attacker")
        project = make_project(attacker)
        db.session.commit()
        victim_id, pid, headers = victim.id, project.id, bearer(attacker)
    added = client.post(f"/api/v1/projects/{pid}/members", json={"user_id": victim_id, "role": "supervisor"},
                        headers=headers)
    assert added.status_code == 404 and added.get_json()["error"]["code"] == "MEMBER_NOT_FOUND"
    unknown = client.post(f"/api/v1/projects/{pid}/members", json={"user_id": 999999, "role": "supervisor"},
                          headers=headers)
    # existence of an id is not revealed (only the request's own id differs)
    assert {**unknown.get_json()["error"], "request_id": ""} == {**added.get_json()["error"], "request_id": ""}
    phone = client.get(f"/api/v1/projects/{pid}/members/{victim_id}/phone", headers=headers)
    assert phone.status_code == 404


def test_invite_accept_gives_the_role(client, app):
    pid, team_id, h, stranger_id = _world(app)
    resp = client.post(f"/api/v1/projects/{pid}/invitations", json={"role": "worker", "team_id": team_id},
                       headers=h["admin"])
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert len(body["code"]) >= 20 and body["expires_at"]
    with app.app_context():
        stored = db.session.execute(select(Invitation)).scalar_one()
        assert body["code"] not in stored.code_hash  # only its hash is kept
    accepted = client.post(f"/api/v1/invitations/{body['code']}/accept", headers=h["stranger"])
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["role"] == "worker" and accepted.get_json()["status"] == "active"
    members = client.get(f"/api/v1/projects/{pid}/members", headers=h["stranger"])
    assert members.status_code == 200
    again = client.post(f"/api/v1/invitations/{body['code']}/accept", headers=h["attacker"])
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "INVITATION_USED"
    with app.app_context():
        actions = set(db.session.execute(select(AuditEntry.action)).scalars())
        assert {"invitation.created", "invitation.accepted"} <= actions


def test_invitation_refusals(client, app):
    pid, team_id, h, _ = _world(app)
    # only the project admin invites
    assert client.post(f"/api/v1/projects/{pid}/invitations", json={"role": "owner"},
                       headers=h["attacker"]).status_code == 404
    no_team = client.post(f"/api/v1/projects/{pid}/invitations", json={"role": "worker"}, headers=h["admin"])
    assert no_team.status_code == 422 and no_team.get_json()["error"]["code"] == "TEAM_REQUIRED"
    unknown = client.post("/api/v1/invitations/abcdefghijklmnopqrstuvwx/accept", headers=h["stranger"])
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "INVITATION_NOT_FOUND"
    code = client.post(f"/api/v1/projects/{pid}/invitations", json={"role": "owner"},
                       headers=h["admin"]).get_json()["code"]
    with app.app_context():
        inv = db.session.execute(select(Invitation)).scalar_one()
        inv.expires_at = inv.expires_at - timedelta(days=2)
        db.session.commit()
    expired = client.post(f"/api/v1/invitations/{code}/accept", headers=h["stranger"])
    assert expired.status_code == 422 and expired.get_json()["error"]["code"] == "INVITATION_EXPIRED"
    assert expired.get_json()["error"]["message"]


def test_members_endpoint_changes_roles_of_active_members_only(client, app):
    pid, team_id, h, stranger_id = _world(app)
    code = client.post(f"/api/v1/projects/{pid}/invitations", json={"role": "supervisor"},
                       headers=h["admin"]).get_json()["code"]
    client.post(f"/api/v1/invitations/{code}/accept", headers=h["stranger"])
    resp = client.post(f"/api/v1/projects/{pid}/members", json={"user_id": stranger_id, "role": "owner"},
                       headers=h["admin"])
    assert resp.status_code == 201 and resp.get_json()["role"] == "owner"


def test_leader_must_be_an_active_member(client, app):
    pid, team_id, h, stranger_id = _world(app)
    resp = client.patch(f"/api/v1/teams/{team_id}", json={"leader_user_id": stranger_id}, headers=h["admin"])
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "LEADER_NOT_MEMBER"
    created = client.post(f"/api/v1/projects/{pid}/teams",
                          json={"name": "瓦工班", "default_day_wage_fen": 30000, "leader_user_id": stranger_id},
                          headers=h["admin"])
    assert created.status_code == 422 and created.get_json()["error"]["code"] == "LEADER_NOT_MEMBER"


def test_replaced_leader_loses_team_reach(client, app):
    with app.app_context():
        admin, old, new, worker = (make_user(n) for n in ("rl-admin", "rl-old", "rl-new", "rl-worker"))
        project = make_project(admin)
        team = make_team(admin, project, name="钢筋班", leader=old)
        add_member(project, new, Role.SUPERVISOR)
        add_member(project, worker, Role.WORKER, team)
        db.session.commit()
        pid, tid, h = project.id, team.id, {u.openid: bearer(u) for u in (admin, old, new, worker)}
        new_id, old_id = new.id, old.id
    assert client.get(f"/api/v1/teams/{tid}", headers=h["rl-old"]).status_code == 200
    resp = client.patch(f"/api/v1/teams/{tid}", json={"leader_user_id": new_id}, headers=h["rl-admin"])
    assert resp.status_code == 200 and resp.get_json()["leader_user_id"] == new_id
    assert client.get(f"/api/v1/teams/{tid}", headers=h["rl-old"]).status_code in (403, 404)
    seen = client.get(f"/api/v1/projects/{pid}/members", headers=h["rl-new"]).get_json()["items"]
    assert {m["user_id"] for m in seen} >= {new_id}
    with app.app_context():
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "team.updated")
                                   .order_by(AuditEntry.seq.desc()).limit(1)).scalar_one()
        assert f'"previous_leader_user_id": {old_id}' in entry.details


def test_team_leader_invitation_makes_the_leader(client, app):
    pid, team_id, h, stranger_id = _world(app)
    code = client.post(f"/api/v1/projects/{pid}/invitations", json={"role": "team_leader", "team_id": team_id},
                       headers=h["admin"]).get_json()["code"]
    assert client.post(f"/api/v1/invitations/{code}/accept", headers=h["stranger"]).status_code == 200
    team = client.get(f"/api/v1/teams/{team_id}", headers=h["stranger"])
    assert team.status_code == 200 and team.get_json()["leader_user_id"] == stranger_id
    with app.app_context():
        m = db.session.execute(select(Membership).where(Membership.user_id == stranger_id)).scalar_one()
        assert (m.role, m.team_id, m.status) == ("team_leader", team_id, "active")
