"""Issue 23, finding 1: nobody decides on their own application, day or wage (HTTP)."""

from __future__ import annotations

from models import AttendanceDay, Project, Role, User, db
from models.base import utcnow
from tests.api.enrollment_site import apply
from tests.api.enrollment_site import site as esite  # noqa: F401
from tests.factories import add_member, bank_card
from tests.payroll.conftest import (
    PayrollSite,
    confirm,
    error,
    issue_and_confirm,
    make_profile,
    make_signed_contract,
)


def test_a_labour_manager_never_approves_his_own_application(app, client, esite) -> None:  # noqa: F811
    membership_id = apply(client, esite, "labour", bank_card=bank_card("622202020011229988"))
    resp = client.post(f"/api/v1/enrollments/{membership_id}/approve", headers=esite.headers["labour"])
    assert resp.status_code == 403 and error(resp)["code"] == "ENROLLMENT_SELF_REVIEW", resp.get_json()
    assert "自己" in error(resp)["message"]
    resp = client.post(f"/api/v1/enrollments/{membership_id}/reject", json={"reason": "自己驳回自己"},
                       headers=esite.headers["labour"])
    assert resp.status_code == 403 and error(resp)["code"] == "ENROLLMENT_SELF_REVIEW"
    # another reviewer may decide on it
    resp = client.post(f"/api/v1/enrollments/{membership_id}/approve", headers=esite.headers["admin"])
    assert resp.status_code == 200, resp.get_json()


def _worker_too(app, s: PayrollSite, who: str, n: int) -> None:
    with app.app_context():
        user, project = db.session.get(User, s.users[who]), db.session.get(Project, s.project_id)
        from models import Team
        membership = add_member(project, user, Role.WORKER, db.session.get(Team, s.team_id))
        make_profile(user, "周自己", card=bank_card(f"62220202001199{n:04d}"))
        make_signed_contract(user, membership)
        db.session.commit()


def test_a_leader_never_confirms_or_corrects_his_own_day(app, client, psite) -> None:
    s = psite
    _worker_too(app, s, "leader", 1)
    resp = client.post(f"/api/v1/teams/{s.team_id}/days/{s.day(1).isoformat()}/confirm",
                       json={"user_ids": [s.users["leader"]], "corrections": [
                           {"user_id": s.users["leader"], "status": "present", "worked_minutes": 1440,
                            "reason": "加班"}]}, headers=s.headers["leader"])
    assert resp.status_code == 403 and error(resp)["code"] == "ATTENDANCE_SELF_CONFIRM", resp.get_json()
    # confirming "the whole team" leaves his own day to someone else
    resp = client.post(f"/api/v1/teams/{s.team_id}/days/{s.day(1).isoformat()}/confirm", json={},
                       headers=s.headers["leader"])
    assert resp.status_code == 200, resp.get_json()
    assert s.users["leader"] not in {d["user_id"] for d in resp.get_json()["items"]}
    # the labour manager (someone else) confirms it
    confirm_as_labour = client.post(f"/api/v1/teams/{s.team_id}/days/{s.day(1).isoformat()}/confirm",
                                    json={"user_ids": [s.users["leader"]]}, headers=s.headers["labour"])
    assert confirm_as_labour.status_code == 200, confirm_as_labour.get_json()


def _confirmed_day(app, s: PayrollSite, who: str) -> None:
    with app.app_context():
        db.session.add(AttendanceDay(project_id=s.project_id, user_id=s.users[who], team_id=s.team_id,
                                     business_date=s.day(3), status="present", worked_minutes=480,
                                     computed_status="present", computed_worked_minutes=480, flags=[],
                                     confirmed_at=utcnow(), confirmed_by=s.users["leader"], updated_at=utcnow()))
        db.session.commit()


def test_nobody_builds_or_approves_a_payroll_with_their_own_line(app, client, psite) -> None:
    s = psite
    _worker_too(app, s, "labour", 2)
    _confirmed_day(app, s, "labour")
    resp = client.post(f"/api/v1/projects/{s.project_id}/payrolls", json={"month": s.month},
                       headers=s.headers["labour"])
    assert resp.status_code == 403 and error(resp)["code"] == "PAYROLL_OWN_LINE", resp.get_json()


def test_an_approver_never_approves_his_own_wage(app, client, psite) -> None:
    s = psite
    _worker_too(app, s, "approver", 3)
    _confirmed_day(app, s, "approver")
    confirm(client, s, s.day(1), w1=("present", 480))
    payroll_id = client.post(f"/api/v1/projects/{s.project_id}/payrolls", json={"month": s.month},
                             headers=s.headers["labour"]).get_json()["id"]
    issue_and_confirm(client, s, payroll_id)
    assert client.post(f"/api/v1/payrolls/{payroll_id}/submit", headers=s.headers["labour"]).status_code == 200
    resp = client.post(f"/api/v1/payrolls/{payroll_id}/approve", headers=s.headers["approver"])
    assert resp.status_code == 403 and error(resp)["code"] == "PAYROLL_OWN_LINE", resp.get_json()
