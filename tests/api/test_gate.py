"""HTTP: GET /me/projects/{pid}/gate answers each reason a worker may not clock in
(the signed-contract reasons need real face checks: tests/api/test_contracts.py)."""

from __future__ import annotations

from datetime import date

import pytest

from models import Project, Role, User, db
from services.enrollment import gate
from tests.api.enrollment_site import Site, apply
from tests.factories import add_member


def reasons(client, site: Site, who: str = "worker") -> list[str]:
    resp = client.get(f"/api/v1/me/projects/{site.project_id}/gate", headers=site.headers[who])
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["may_clock_in"] is (not body["reasons"])
    assert all(r["message"] for r in body["reasons"])
    return [r["code"] for r in body["reasons"]]


def test_not_enrolled_pending_rejected(client, site):
    assert reasons(client, site) == ["NOT_IN_PROJECT"]
    membership_id = apply(client, site)
    assert reasons(client, site) == ["ENROLLMENT_PENDING"]
    client.post(f"/api/v1/enrollments/{membership_id}/reject", json={"reason": "信息有误"},
                headers=site.headers["labour"])
    assert reasons(client, site) == ["ENROLLMENT_REJECTED"]


def test_approved_needs_contract_training_and_consents(client, site):
    membership_id = apply(client, site)
    assert client.post(f"/api/v1/enrollments/{membership_id}/approve", headers=site.headers["labour"]
                       ).status_code == 200
    assert reasons(client, site) == ["CONTRACT_NOT_SIGNED", "TRAINING_INCOMPLETE"]
    headers = site.headers["worker"]
    client.post("/api/v1/me/consents/biometric/withdraw", headers=headers)
    client.post("/api/v1/me/consents/location/withdraw", headers=headers)
    assert reasons(client, site)[-2:] == ["CONSENT_BIOMETRIC_MISSING", "CONSENT_LOCATION_MISSING"]
    message = client.get(f"/api/v1/me/projects/{site.project_id}/gate", headers=headers).get_json()["reasons"][1]
    assert message["message"].startswith("三级安全教育学时未满：公司级 0/15 学时")


def test_left_project(app, client, site):
    with app.app_context():
        m = add_member(db.session.get(Project, site.project_id), db.session.get(User, site.users["other"]),
                       Role.WORKER)
        m.status = "left"
        db.session.commit()
    assert reasons(client, site, "other") == ["LEFT_PROJECT"]


@pytest.fixture
def blacklist():
    """The oversight area will register its blacklist here; the test registers a stand-in rule."""
    listed: set[int] = set()

    def blacklisted(user_id: int, project_id: int, on_day: date) -> list[gate.Reason]:
        return [gate.Reason("BLACKLISTED", "您已被列入失信名单，请联系项目部")] if user_id in listed else []

    gate.EXTRA_CHECKS.append(blacklisted)
    yield listed
    gate.EXTRA_CHECKS.remove(blacklisted)


def test_extra_checks_and_the_non_face_alternative(client, site, blacklist):
    membership_id = apply(client, site)
    client.post(f"/api/v1/enrollments/{membership_id}/approve", headers=site.headers["labour"])
    blacklist.add(site.users["worker"])
    assert reasons(client, site)[-1] == "BLACKLISTED"
    client.post("/api/v1/me/consents/biometric/withdraw", headers=site.headers["worker"])
    assert "CONSENT_BIOMETRIC_MISSING" in reasons(client, site)

    def on_site_check(user_id: int, project_id: int, on_day: date) -> bool:
        return True  # attendance will offer a labour-manager-witnessed clock-in here

    gate.NON_FACE_ALTERNATIVES.append(on_site_check)
    try:
        assert "CONSENT_BIOMETRIC_MISSING" not in reasons(client, site)
    finally:
        gate.NON_FACE_ALTERNATIVES.remove(on_site_check)
