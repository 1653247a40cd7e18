"""Company registrations are claims until verified; nobody blocks a USCC; only the involved read
a company (item 11 of issue 13)."""

from __future__ import annotations

from models import Company, db
from tests.factories import USCCS, bearer, make_user

BODY = {"name": "深圳真建设集团", "uscc": USCCS[0]}


def _users(app, *names):
    with app.app_context():
        users = [make_user(n) for n in names]
        db.session.commit()
        return [bearer(u) for u in users]


def test_registration_is_unverified_and_does_not_block_the_real_company(client, app):
    squatter, real = _users(app, "squatter", "real-boss")
    first = client.post("/api/v1/companies", json={**BODY, "name": "抢注公司"}, headers=squatter)
    assert first.status_code == 201 and first.get_json()["verified"] is False
    second = client.post("/api/v1/companies", json=BODY, headers=real)
    assert second.status_code == 201, second.get_json()
    # the operator verifies the real one; after that the USCC is taken
    result = app.test_cli_runner().invoke(args=["companies", "verify", str(second.get_json()["id"])])
    assert result.exit_code == 0, result.output
    assert client.get(f"/api/v1/companies/{second.get_json()['id']}", headers=real).get_json()["verified"] is True
    third = client.post("/api/v1/companies", json=BODY, headers=_users(app, "late")[0])
    assert third.status_code == 409 and third.get_json()["error"]["code"] == "COMPANY_EXISTS"
    # two verified companies cannot share a USCC
    twice = app.test_cli_runner().invoke(args=["companies", "verify", str(first.get_json()["id"])])
    assert twice.exit_code != 0
    with app.app_context():
        assert db.session.get(Company, first.get_json()["id"]).verified is False


def test_a_stranger_cannot_read_or_link_an_unverified_company(client, app):
    owner, stranger = _users(app, "co-owner", "co-stranger")
    cid = client.post("/api/v1/companies", json=BODY, headers=owner).get_json()["id"]
    resp = client.get(f"/api/v1/companies/{cid}", headers=stranger)
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "COMPANY_NOT_FOUND"
    project = client.post("/api/v1/projects", headers=stranger, json={
        "name": "蹭项目", "address": "深圳某路", "general_contractor_id": cid, "wage_account_bank": "某银行",
        "wage_account_no": "6222020200112233445",
        "geofence": {"type": "circle", "center": {"lat": 22.5, "lng": 114.0}, "radius_m": 300}})
    assert project.status_code == 404
