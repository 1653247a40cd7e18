"""Every role's allowed and refused accesses on org objects, as one table per action."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from models import Role, db
from services.consents import grant_consent
from tests.factories import USCCS, add_member, bearer, make_company, make_project, make_team, make_user

ROLES = ["admin", "labour_manager", "payroll_approver", "supervisor", "owner",
         "leader_a", "worker_a", "leader_b", "worker_b", "outsider"]
OVERSIGHT = {"admin", "labour_manager", "payroll_approver", "supervisor", "owner"}


@dataclass
class World:
    project_id: int
    team_a: int
    team_b: int
    company2: int
    users: dict[str, int]
    headers: dict[str, dict[str, str]]


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        admin = make_user("admin")
        users = {"admin": admin}
        for name in ROLES[1:]:
            users[name] = make_user(name)
        project = make_project(admin)
        team_a = make_team(admin, project, name="A班", leader=users["leader_a"])
        team_b = make_team(admin, project, name="B班", leader=users["leader_b"])
        add_member(project, users["labour_manager"], Role.LABOUR_MANAGER)
        add_member(project, users["payroll_approver"], Role.PAYROLL_APPROVER)
        add_member(project, users["supervisor"], Role.SUPERVISOR)
        add_member(project, users["owner"], Role.OWNER)
        add_member(project, users["worker_a"], Role.WORKER, team_a)
        add_member(project, users["worker_b"], Role.WORKER, team_b)
        company2 = make_company(admin, USCCS[1], "分包公司")
        users["worker_a"].phone_masked = "138****0001"
        from services import pii
        from services.auth import phone_context

        users["worker_a"].phone_enc = pii.encrypt_str("13800000001", context=phone_context(users["worker_a"]))
        db.session.commit()
        return World(project.id, team_a.id, team_b.id, company2.id,
                     {k: u.id for k, u in users.items()}, {k: bearer(u) for k, u in users.items()})


def expect(allowed: set[str], refused_status: int = 403) -> dict[str, int]:
    """Expected status per role: allowed ones 2xx (0 = any 2xx), outsiders always 404."""
    table = {role: 0 if role in allowed else refused_status for role in ROLES}
    table["outsider"] = 404
    return table


def check(results: dict[str, int], expected: dict[str, int]) -> None:
    wrong = {role: (got, expected[role]) for role, got in results.items()
             if (expected[role] == 0 and not 200 <= got < 300) or (expected[role] and got != expected[role])}
    assert not wrong, f"role: (got, expected) {wrong}"


def run(client, world: World, method: str, url: str, body_for=None) -> dict[str, int]:
    results = {}
    for role in ROLES:
        body = body_for(role) if body_for else None
        resp = client.open(url, method=method, json=body, headers=world.headers[role])
        results[role] = resp.status_code
        if resp.status_code >= 400:
            assert resp.get_json()["error"]["code"]  # refusals carry a machine code too
    return results


def test_view_project(client, world):
    check(run(client, world, "GET", f"/api/v1/projects/{world.project_id}"), expect(set(ROLES) - {"outsider"}))


def test_update_project(client, world):
    check(run(client, world, "PATCH", f"/api/v1/projects/{world.project_id}", lambda r: {"address": f"{r}路"}),
          expect({"admin"}))


def test_add_participant(client, world):
    results = run(client, world, "POST", f"/api/v1/projects/{world.project_id}/participants",
                  lambda r: {"company_id": world.company2, "role": "subcontractor"})
    assert results.pop("admin") == 201
    check(results, {k: v for k, v in expect({"admin"}).items() if k != "admin"})


def test_view_participants(client, world):
    check(run(client, world, "GET", f"/api/v1/projects/{world.project_id}/participants"),
          expect(set(ROLES) - {"outsider"}))


def test_create_team(client, world):
    check(run(client, world, "POST", f"/api/v1/projects/{world.project_id}/teams",
              lambda r: {"name": f"{r}班", "default_day_wage_fen": 30000}),
          expect({"admin", "labour_manager"}))


def test_view_team(client, world):
    check(run(client, world, "GET", f"/api/v1/teams/{world.team_a}"),
          expect(OVERSIGHT | {"leader_a", "worker_a"}))


def test_update_team(client, world):
    check(run(client, world, "PATCH", f"/api/v1/teams/{world.team_a}", lambda r: {"trade": r[:30]}),
          expect({"admin", "labour_manager"}))


def test_grant_role(client, world):
    check(run(client, world, "POST", f"/api/v1/projects/{world.project_id}/members",
              lambda r: {"user_id": world.users["worker_b"], "role": "owner"}),
          expect({"admin"}))


def test_reveal_member_phone(client, world):
    check(run(client, world, "GET", f"/api/v1/projects/{world.project_id}/members/{world.users['worker_a']}/phone"),
          expect({"admin", "labour_manager"}))


def test_member_lists_are_scoped(client, world):
    check(run(client, world, "GET", f"/api/v1/projects/{world.project_id}/members"),
          expect(set(ROLES) - {"outsider"}))

    def seen(role: str) -> set[int]:
        items = client.get(f"/api/v1/projects/{world.project_id}/members", headers=world.headers[role]).get_json()
        return {m["user_id"] for m in items["items"]}

    u = world.users
    assert seen("worker_a") == {u["worker_a"]}
    assert seen("leader_a") == {u["leader_a"], u["worker_a"]}
    assert u["worker_b"] not in seen("leader_a")
    assert seen("supervisor") >= {u["worker_a"], u["worker_b"], u["leader_b"], u["admin"]}


def test_team_lists_are_scoped(client, world):
    def seen(role: str) -> set[int]:
        items = client.get(f"/api/v1/projects/{world.project_id}/teams", headers=world.headers[role]).get_json()
        return {t["id"] for t in items["items"]}

    assert seen("worker_b") == {world.team_b}
    assert seen("leader_a") == {world.team_a}
    assert seen("owner") == {world.team_a, world.team_b}


def test_worker_joins_with_code_and_sees_only_self(client, world, app):
    with app.app_context():
        from models import Project

        code = db.session.get(Project, world.project_id).join_code
    newcomer = client.post("/api/v1/auth/login", json={"code": "fake:newcomer"}).get_json()
    headers = {"Authorization": f"Bearer {newcomer['token']}"}
    resp = client.post("/api/v1/projects/join", json={"join_code": code.lower(), "team_id": world.team_a},
                       headers=headers)
    assert resp.status_code == 201 and resp.get_json()["status"] == "pending"
    again = client.post("/api/v1/projects/join", json={"join_code": code, "team_id": world.team_a}, headers=headers)
    assert again.get_json()["membership_id"] == resp.get_json()["membership_id"]
    # a pending application grants nothing but itself: shown in /me, the project stays closed
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert [(m["project_id"], m["status"]) for m in me["memberships"]] == [(world.project_id, "pending")]
    members = client.get(f"/api/v1/projects/{world.project_id}/members", headers=headers)
    assert members.status_code == 404
    bad = client.post("/api/v1/projects/join", json={"join_code": "NOPE99"}, headers=headers)
    assert bad.status_code == 404 and bad.get_json()["error"]["code"] == "JOIN_CODE_INVALID"
    wrong_team = client.post("/api/v1/projects/join", json={"join_code": code, "team_id": 999999}, headers=headers)
    assert wrong_team.status_code == 422


def test_view_company_only_its_registrant_and_the_members_of_its_projects(client, world):
    url = f"/api/v1/companies/{world.company2}"
    check(run(client, world, "GET", url), expect({"admin"}, refused_status=404))  # admin registered it
    linked = client.post(f"/api/v1/projects/{world.project_id}/participants",
                         json={"company_id": world.company2, "role": "subcontractor"}, headers=world.headers["admin"])
    assert linked.status_code == 201
    check(run(client, world, "GET", url), expect(set(ROLES) - {"outsider"}))
    assert client.get(url).status_code == 401


def test_face_challenge_in_a_project(client, world, app):
    with app.app_context():
        for user_id in world.users.values():
            grant_consent(user_id, "biometric", "v2")
        db.session.commit()
    results = run(client, world, "POST", "/api/v1/faces/challenges", lambda role: {"project_id": world.project_id})
    check(results, expect(set(ROLES) - {"outsider"}))
