"""Issue 23, finding 9 (HTTP): a day is confirmed by the leader of the team it was recorded in."""

from __future__ import annotations

from models import Project, User, db
from tests.factories import bearer, make_team, make_user
from tests.payroll.conftest import error, make_unconfirmed_day, psite  # noqa: F401


def test_a_moved_workers_old_days_stay_with_the_old_team(app, client, psite) -> None:  # noqa: F811
    s = psite
    with app.app_context():
        make_unconfirmed_day(s, "w1", s.day(1))
        new_leader = make_user("leader-b")
        team_b = make_team(db.session.get(User, s.users["admin"]), db.session.get(Project, s.project_id),
                           name="木工班", leader=new_leader)
        db.session.commit()
        team_b_id, h_b = team_b.id, bearer(new_leader)
    moved = client.patch(f"/api/v1/projects/{s.project_id}/members/{s.users['w1']}", json={"team_id": team_b_id},
                         headers=s.headers["labour"])
    assert moved.status_code == 200, moved.get_json()
    day = s.day(1).isoformat()
    fixes = [{"user_id": s.users["w1"], "status": "present", "worked_minutes": 900, "reason": "补记加班"}]
    resp = client.post(f"/api/v1/teams/{team_b_id}/days/{day}/confirm",
                       json={"user_ids": [s.users["w1"]], "corrections": fixes}, headers=h_b)
    assert resp.status_code == 403 and error(resp)["code"] == "DAY_OF_OTHER_TEAM", resp.get_json()
    # "the whole team" on that day leaves the old team's day alone
    whole = client.post(f"/api/v1/teams/{team_b_id}/days/{day}/confirm", json={}, headers=h_b)
    assert whole.status_code == 200 and whole.get_json()["items"] == [], whole.get_json()
    # the old team's leader confirms it
    old = client.post(f"/api/v1/teams/{s.team_id}/days/{day}/confirm", json={"user_ids": [s.users["w1"]]},
                      headers=s.headers["leader"])
    assert old.status_code == 200, old.get_json()
