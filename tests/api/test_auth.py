"""WeChat login against the fake WeChat server, which wechatpy really calls over HTTP."""

from __future__ import annotations

import requests
from sqlalchemy import select

from app import create_app
from models import AuditEntry, User, db
from tests.conftest import settings_changed
from tests.factories import login


def set_mode(fake_wechat, mode: str) -> None:
    requests.post(fake_wechat.base_url + "__fake__/mode", json={"mode": mode}, timeout=5)


def test_login_creates_user_and_returns_working_token(client, app, fake_wechat):
    resp = client.post("/api/v1/auth/login", json={"code": "fake:wx-open-1"})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    assert "session_key" not in resp.get_data(as_text=True)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.get_json()["id"] == body["user"]["id"]
    with app.app_context():
        user = db.session.execute(select(User).where(User.openid == "wx-open-1")).scalar_one()
        # the session key is kept, but only encrypted
        from devtools.fake_wechat import session_key_for
        from services import auth, pii

        assert user.session_key_enc and session_key_for("wx-open-1") not in user.session_key_enc
        assert pii.decrypt_str(user.session_key_enc, context=auth.session_key_context(user)) == session_key_for("wx-open-1")
    calls = requests.get(fake_wechat.base_url + "__fake__/calls", timeout=5).json()
    assert calls.get("/sns/jscode2session") == 1


def test_second_login_is_same_user(client):
    first = client.post("/api/v1/auth/login", json={"code": "fake:same"}).get_json()
    second = client.post("/api/v1/auth/login", json={"code": "fake:same"}).get_json()
    assert first["user"]["id"] == second["user"]["id"]


def test_bad_code_is_refused(client, app):
    resp = client.post("/api/v1/auth/login", json={"code": "not-a-real-code"})
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "WECHAT_CODE_INVALID"
    with app.app_context():
        assert db.session.execute(select(User)).first() is None


def test_wechat_rate_limit_maps_to_429(client, fake_wechat):
    set_mode(fake_wechat, "rate_limit")
    resp = client.post("/api/v1/auth/login", json={"code": "fake:busy"})
    assert resp.status_code == 429
    assert resp.get_json()["error"]["code"] == "WECHAT_RATE_LIMITED" and resp.headers["Retry-After"] == "5"


def test_wechat_down_maps_to_503(client, fake_wechat):
    set_mode(fake_wechat, "down")
    resp = client.post("/api/v1/auth/login", json={"code": "fake:nobody"})
    assert resp.status_code == 503
    assert resp.get_json()["error"]["code"] == "WECHAT_UNAVAILABLE" and resp.headers["Retry-After"] == "5"


def test_wechat_unreachable_maps_to_503(app_config, app):
    # nothing listens on port 9 of loopback: connection refused
    cfg = dict(app_config, WECHAT_API_BASE="http://127.0.0.1:9/")
    other = create_app(cfg)
    resp = other.test_client().post("/api/v1/auth/login", json={"code": "fake:nobody"})
    assert resp.status_code == 503
    assert resp.get_json()["error"]["code"] == "WECHAT_UNAVAILABLE"


def test_missing_and_bad_tokens(client, app):
    assert client.get("/api/v1/me").get_json()["error"]["code"] == "UNAUTHENTICATED"
    resp = client.get("/api/v1/me", headers={"Authorization": "Bearer forged.token.value"})
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "TOKEN_INVALID"


def test_expired_token(client, app):
    headers = login(client, "short-lived")
    with settings_changed(app, token_ttl_seconds=-1):
        resp = client.get("/api/v1/me", headers=headers)
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "TOKEN_EXPIRED"


def test_logout_everywhere_revokes_tokens(client):
    headers = login(client, "leaver")
    assert client.post("/api/v1/auth/logout-all", headers=headers).status_code == 200
    resp = client.get("/api/v1/me", headers=headers)
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "TOKEN_REVOKED"


def test_login_is_audited(client, app):
    client.post("/api/v1/auth/login", json={"code": "fake:audited"})
    with app.app_context():
        actions = [e.action for e in db.session.execute(select(AuditEntry)).scalars()]
    assert "auth.login" in actions


def test_bind_phone_masks_and_encrypts(client, app):
    headers = login(client, "phone-owner")
    resp = client.post("/api/v1/me/phone", json={"code": "fake-phone:13800138000"}, headers=headers)
    assert resp.status_code == 200
    assert resp.get_json()["phone_masked"] == "138****8000"
    assert "13800138000" not in resp.get_data(as_text=True)
    with app.app_context():
        user = db.session.execute(select(User).where(User.openid == "phone-owner")).scalar_one()
        assert "13800138000" not in (user.phone_enc or "")


def test_bad_phone_code(client):
    headers = login(client, "phone-owner")
    resp = client.post("/api/v1/me/phone", json={"code": "garbage"}, headers=headers)
    error = resp.get_json()["error"]
    # a phone-number code has its own advice: tap the button again, not "re-enter the mini-program"
    assert resp.status_code == 400 and error["code"] == "WECHAT_PHONE_CODE_INVALID"
    assert "手机号" in error["message"] and "重新进入小程序" not in error["message"]


def test_consents_are_recorded_and_withdrawn(client):
    headers = login(client, "consenting")
    resp = client.post("/api/v1/me/consents", json={"kind": "biometric", "version": "v2"}, headers=headers)
    assert resp.status_code == 201
    kinds = [c["kind"] for c in client.get("/api/v1/me", headers=headers).get_json()["consents"]]
    assert kinds == ["biometric"]
    client.post("/api/v1/me/consents/biometric/withdraw", headers=headers)
    assert client.get("/api/v1/me", headers=headers).get_json()["consents"] == []


def test_every_route_of_a_secured_blueprint_requires_login(app):
    secured = {name for name, bp in app.blueprints.items() if getattr(bp, "siteroll_secured", False)}
    endpoints = [e for e in app.view_functions if e.split(".")[0] in secured]
    assert len(endpoints) > 10
    missing = [e for e in endpoints if not getattr(app.view_functions[e], "siteroll_login_required", False)]
    assert missing == []


def test_me_in_one_query_answers_the_profile(app, client):
    """/me reads the caller, memberships and consents in one UNION (services.auth, @with_profile)."""
    from models import Consent, MembershipStatus, Role
    from models.base import utcnow
    from services import auth
    from tests.factories import USCCS, add_member, make_company, make_project, make_team, make_user

    with app.app_context():
        admin, worker = make_user("me-admin"), make_user("me-worker", "王五")
        first = make_project(admin)
        second = make_project(admin, company=make_company(admin, USCCS[1], "第二建设集团"))
        add_member(second, worker, Role.WORKER, make_team(admin, second))
        add_member(first, worker, Role.WORKER)
        add_member(first, make_user("me-other"), Role.WORKER)
        gone = add_member(first, worker, Role.TEAM_LEADER)
        gone.status = MembershipStatus.LEFT.value
        for kind, withdrawn in (("location", None), ("biometric", utcnow()), ("privacy_policy", None)):
            db.session.add(Consent(user_id=worker.id, kind=kind, version="v1", granted_at=utcnow(), withdrawn_at=withdrawn))
        db.session.commit()
        worker_id = worker.id
        token = issue(worker)
        caller = auth.authenticate(token, with_profile=True)
        assert (caller.memberships, caller.consents) == auth.profile(worker_id)
        assert [m.project_id for m in caller.memberships] == [first.id, second.id]  # left ones not shown
        assert [(m.role, m.status, m.team_name) for m in caller.memberships] == [
            ("worker", "active", None), ("worker", "active", "钢筋班")]
        assert [(c.kind, c.version) for c in caller.consents] == [("location", "v1"), ("privacy_policy", "v1")]
        assert caller.consents[0].granted_at.tzinfo is not None
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me["display_name"] == "王五" and len(me["memberships"]) == 2 and len(me["consents"]) == 2


def issue(user):
    from services.auth import issue_token

    return issue_token(user).token
