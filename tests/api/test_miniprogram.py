"""What a mini-program needs beyond the areas: its config, signed image links, the web-view check
file, PUT beside PATCH, contract signing in two single-file calls, several deferrals at once."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from app import create_app
from models import Contract, FaceCheck, db
from models.base import utcnow
from services import media_links
from services.errors import NotFound
from services.miniprogram import MiniProgramSettings
from tests.api.enrollment_site import Site, apply, error
from tests.api.test_contracts import signature_png
from tests.conftest import settings_changed


def test_config_tells_the_phone_what_the_backend_uses(app, client) -> None:
    body = client.get("/api/v1/miniprogram/config").get_json()  # no login: the phone asks before it
    assert body["payslip_ready"]["template_id"] == "siteroll-payslip-ready"
    assert body["payslip_ready"]["fields"] == {"title": "thing1", "project": "thing2", "amount": "amount3",
                                               "date": "date4"}
    assert body["uploads"]["files_per_upload"] == 1 and body["uploads"]["signature_max_bytes"] == 512 * 1024
    assert body["polling"] == {"face_check_seconds": 1, "clock_seconds": 1, "give_up_after_seconds": 30}
    settings = app.extensions["siteroll_settings"]
    mp = MiniProgramSettings(payslip_template_id="tmpl-REAL-123",
                             payslip_template_fields={"title": "thing5", "project": "thing2", "amount": "amount1",
                                                      "date": "time3"})
    with settings_changed(app, miniprogram=mp):
        changed = client.get("/api/v1/miniprogram/config").get_json()["payslip_ready"]
    assert changed["template_id"] == "tmpl-REAL-123" and changed["fields"]["amount"] == "amount1"
    assert "secret" not in str(body).lower() and settings.miniprogram.payslip_template_id == "siteroll-payslip-ready"


def test_template_settings_are_checked_at_start(app_config) -> None:
    with pytest.raises(ValueError, match="TEMPLATE_FIELDS"):
        create_app(dict(app_config, WECHAT_PAYSLIP_TEMPLATE_FIELDS='{"amount": "money3"}'))
    with pytest.raises(ValueError, match="VERIFY_FILE"):
        create_app(dict(app_config, WEBVIEW_VERIFY_FILE="../etc/passwd"))


def test_business_domain_check_file_is_served_at_the_root(app_config) -> None:
    web = create_app(dict(app_config, WEBVIEW_VERIFY_FILE="6ynZPDvfTF.txt",
                          WEBVIEW_VERIFY_CONTENT="7c5ffce3ba1f0e2c4b0fd684e371f25b")).test_client()
    resp = web.get("/6ynZPDvfTF.txt")
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    assert resp.get_data(as_text=True) == "7c5ffce3ba1f0e2c4b0fd684e371f25b"  # only the content, as WeChat checks
    assert web.get("/other.txt").status_code == 404
    assert create_app(app_config).test_client().get("/6ynZPDvfTF.txt").status_code == 404  # not configured


def test_media_links_are_bound_to_object_viewer_and_time(app, ctx) -> None:
    now = utcnow()
    link = media_links.make_link("clock-photo", 42, 7, now)
    lifetime = app.extensions["siteroll_settings"].miniprogram.media_link_seconds
    assert lifetime <= (link.expires_at - now).total_seconds() <= 1.5 * lifetime + 1  # a few minutes
    assert media_links.check_link("clock-photo", 42, 7, link.expires, link.sig, now) == 7
    assert media_links.make_link("clock-photo", 42, 7, now + timedelta(seconds=5)) == link  # stable: ETags hold
    for kind, object_id, viewer, expires, sig, at in (
            ("clock-photo", 43, 7, link.expires, link.sig, now),  # another photo
            ("clock-photo", 42, 8, link.expires, link.sig, now),  # another viewer
            ("contract-signature", 42, 7, link.expires, link.sig, now),  # another kind
            ("clock-photo", 42, 7, link.expires + 60, link.sig, now),  # stretched
            ("clock-photo", 42, 7, link.expires, link.sig[:-1] + ("A" if link.sig[-1] != "A" else "B"), now),
            ("clock-photo", 42, 7, link.expires, link.sig, now + timedelta(seconds=2 * lifetime))):  # expired
        with pytest.raises(NotFound) as refused:
            media_links.check_link(kind, object_id, viewer, expires, sig, at)
        assert refused.value.code == "MEDIA_LINK_INVALID"


def test_put_answers_as_patch_does(client, site: Site) -> None:
    admin = site.headers["admin"]
    before = client.get(f"/api/v1/teams/{site.team_id}", headers=admin).get_json()
    put = client.put(f"/api/v1/teams/{site.team_id}", json={"default_day_wage_fen": 41000}, headers=admin)
    assert put.status_code == 200
    after = put.get_json()
    assert after["default_day_wage_fen"] == 41000 and after["name"] == before["name"]  # left out: unchanged
    project = client.put(f"/api/v1/projects/{site.project_id}", json={"liveness_mode": "challenge"}, headers=admin)
    assert project.status_code == 200 and project.get_json()["liveness_mode"] == "challenge"
    assert client.patch(f"/api/v1/projects/{site.project_id}", json={"liveness_mode": "passive"},
                        headers=admin).get_json()["liveness_mode"] == "passive"
    refused = client.put(f"/api/v1/teams/{site.team_id}", json={"name": "x" * 300}, headers=admin)
    assert refused.status_code == 422


# ---------------------------------------------------------------- contract signing in two calls

def _contract(app, client, site: Site) -> int:
    membership_id = apply(client, site)
    resp = client.post(f"/api/v1/enrollments/{membership_id}/approve", headers=site.headers["labour"])
    assert resp.status_code == 200, resp.get_json()
    return client.get("/api/v1/me/contracts", headers=site.headers["worker"]).get_json()["items"][0]["id"]


def _check(app, site: Site, *, who: str = "worker", kind: str = "contract", status: str = "passed",
           project_id: int | None = None, age: timedelta = timedelta(0), purpose: str | None = None,
           purpose_id: int | None = None) -> int:
    """A face check as the face job leaves it (the models are not this test's subject)."""
    with app.app_context():
        check = FaceCheck(user_id=site.users[who], project_id=project_id or site.project_id, kind=kind,
                          liveness_mode="passive", status=status, created_at=utcnow() - age, purpose=purpose,
                          purpose_id=purpose_id,
                          reason_code="FACE_MISMATCH" if status == "failed" else None)
        db.session.add(check)
        db.session.commit()
        return check.id


def _sign(client, site: Site, contract_id: int, **fields):
    data = {"signature": (io.BytesIO(signature_png()), "sign.png"), **{k: str(v) for k, v in fields.items()}}
    return client.post(f"/api/v1/contracts/{contract_id}/sign", data=data, headers=site.headers["worker"],
                       content_type="multipart/form-data")


def test_signing_with_a_selfie_uploaded_first(app, client, site: Site) -> None:
    contract_id = _contract(app, client, site)
    refusals = [
        (_check(app, site, who="other"), 404, "FACE_CHECK_NOT_FOUND"),
        (_check(app, site, kind="clock"), 422, "FACE_CHECK_KIND_INVALID"),
        (_check(app, site, age=timedelta(minutes=11)), 422, "FACE_CHECK_STALE"),
        (_check(app, site, status="failed"), 422, "FACE_CHECK_NOT_PASSED"),
    ]
    for check_id, status, code in refusals:
        resp = _sign(client, site, contract_id, face_check_id=check_id)
        assert (resp.status_code, error(resp)["code"]) == (status, code)
        assert isinstance(error(resp)["request_id"], str)
    # neither a selfie nor its check: the non-face way, the labour manager witnesses (issue 27)
    assert _sign(client, site, contract_id).get_json()["status"] == "awaiting_witness"

    passed = _check(app, site)
    resp = _sign(client, site, contract_id, face_check_id=passed)
    assert resp.status_code == 202, resp.get_json()
    body = resp.get_json()
    # the worker's side is signed; in force once the employer signs too (issue 26)
    assert body["status"] == "worker_signed" and body["poll_url"] == f"http://localhost/api/v1/faces/checks/{passed}"
    contract = client.get(f"/api/v1/contracts/{contract_id}", headers=site.headers["worker"]).get_json()
    assert contract["status"] == "worker_signed" and contract["signing_check_id"] == passed
    assert client.get(contract["signature_url"]).mimetype == "image/png"  # no token: <image src>
    again = _sign(client, site, contract_id, face_check_id=passed)
    assert again.status_code == 409 and error(again)["code"] == "CONTRACT_ALREADY_SIGNED"


def test_a_pending_selfie_is_handed_over_when_it_finishes(app, client, site: Site) -> None:
    contract_id = _contract(app, client, site)
    pending = _check(app, site, status="pending")
    body = _sign(client, site, contract_id, face_check_id=pending).get_json()
    assert (body["status"], body["retry_after"], body["replayed"]) == ("signing", 1, False)
    with app.app_context():
        check = db.session.get(FaceCheck, pending)
        assert (check.purpose, check.purpose_id) == ("contract", contract_id)
        # the face job's hand-over, as workers/faces.py runs it after writing the result
        from services.faces.handover import hand_over

        check.status = "passed"
        hand_over(check)
        db.session.commit()
        assert db.session.get(Contract, contract_id).status == "worker_signed"


def test_one_selfie_signs_one_contract(app, client, site: Site) -> None:
    contract_id = _contract(app, client, site)
    used = _check(app, site, purpose="contract", purpose_id=contract_id + 1000)  # another signature took it
    resp = _sign(client, site, contract_id, face_check_id=used)
    assert (resp.status_code, error(resp)["code"]) == (409, "FACE_CHECK_USED")
