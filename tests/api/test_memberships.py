"""Pending applications grant nothing; a worker's team changes only through the labour manager
(item 4 of issue 13); concurrent joins end as 409, never 500 (item 11)."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from models import AuditEntry, Membership, MembershipStatus, Role, db
from tests.factories import add_member, bearer, make_project, make_team, make_user


def _site(app):
    with app.app_context():
        admin, manager, worker = make_user("m-admin"), make_user("m-manager"), make_user("m-worker")
        project = make_project(admin)
        a, b = make_team(admin, project, name="A班", wage_fen=30000), make_team(admin, project, name="B班",
                                                                               wage_fen=50000)
        add_member(project, manager, Role.LABOUR_MANAGER)
        db.session.commit()
        return project.id, project.join_code, a.id, b.id, {
            "admin": bearer(admin), "manager": bearer(manager), "worker": bearer(worker)}, worker.id


def test_pending_member_sees_nothing_of_the_project(client, app):
    pid, code, a, _b, h, _ = _site(app)
    assert client.post("/api/v1/projects/join", json={"join_code": code, "team_id": a},
                       headers=h["worker"]).status_code == 201
    for url in (f"/api/v1/projects/{pid}", f"/api/v1/projects/{pid}/participants",
                f"/api/v1/projects/{pid}/teams", f"/api/v1/teams/{a}", f"/api/v1/projects/{pid}/members"):
        resp = client.get(url, headers=h["worker"])
        assert resp.status_code == 404, (url, resp.status_code)
        assert resp.get_json()["error"]["code"]
    me = client.get("/api/v1/me", headers=h["worker"]).get_json()
    assert me["memberships"][0]["status"] == "pending"


def test_active_worker_cannot_move_team_by_joining_again(client, app):
    pid, code, a, b, h, worker_id = _site(app)
    client.post("/api/v1/projects/join", json={"join_code": code, "team_id": a}, headers=h["worker"])
    # a pending application may still change its team (it is the applicant's own)
    changed = client.post("/api/v1/projects/join", json={"join_code": code, "team_id": b}, headers=h["worker"])
    assert changed.status_code == 201 and changed.get_json()["team_id"] == b
    with app.app_context():
        m = db.session.execute(select(Membership).where(Membership.user_id == worker_id)).scalar_one()
        m.status = MembershipStatus.ACTIVE.value  # the labour manager reviewed the enrollment
        m.team_id = a
        db.session.commit()
    moved = client.post("/api/v1/projects/join", json={"join_code": code, "team_id": b}, headers=h["worker"])
    assert moved.status_code == 409 and moved.get_json()["error"]["code"] == "TEAM_CHANGE_NEEDS_REVIEW"
    with app.app_context():
        assert db.session.execute(select(Membership.team_id).where(Membership.user_id == worker_id)).scalar_one() == a


def test_labour_manager_moves_a_worker_audited(client, app):
    pid, code, a, b, h, worker_id = _site(app)
    client.post("/api/v1/projects/join", json={"join_code": code, "team_id": a}, headers=h["worker"])
    url = f"/api/v1/projects/{pid}/members/{worker_id}"
    refused = client.patch(url, json={"team_id": b}, headers=h["worker"])
    assert refused.status_code == 404  # pending: not a member for authorization
    resp = client.patch(url, json={"team_id": b}, headers=h["manager"])
    assert resp.status_code == 200 and resp.get_json()["team_id"] == b
    with app.app_context():
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "membership.team_changed")
                                   ).scalar_one()
        assert f'"from_team_id": {a}' in entry.details and f'"team_id": {b}' in entry.details
    other_project_team = client.patch(url, json={"team_id": 999999}, headers=h["manager"])
    assert other_project_team.status_code == 422


def test_concurrent_joins_answer_201_or_409_never_500(app):
    _pid, code, a, _b, h, worker_id = _site(app)
    barrier = threading.Barrier(6)
    statuses: list[int] = []

    def join() -> None:
        c = app.test_client()
        barrier.wait()
        statuses.append(c.post("/api/v1/projects/join", json={"join_code": code, "team_id": a},
                               headers=h["worker"]).status_code)

    threads = [threading.Thread(target=join) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(statuses) == 6 and set(statuses) <= {201, 409}, statuses
    with app.app_context():
        count = db.session.execute(select(func.count()).select_from(Membership)
                                   .where(Membership.user_id == worker_id)).scalar_one()
        assert count == 1
