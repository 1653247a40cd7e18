"""Validation failures name the field and say in Chinese what to fix (the type stays pydantic's)."""

from __future__ import annotations

from models import db
from services.consents import grant_consent
from tests.factories import bearer, login, make_user


def fields_of(resp) -> dict[str, dict]:
    assert resp.status_code == 422, resp.get_data(as_text=True)
    error = resp.get_json()["error"]
    assert error["code"] == "VALIDATION_FAILED"
    return {f["loc"]: f for f in error["details"]["fields"]}


def is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_missing_field(client):
    resp = client.post("/api/v1/auth/login", json={})
    fields = fields_of(resp)
    assert fields["code"] == {"loc": "code", "type": "missing", "msg": "必填", "label": "登录凭证"}
    assert resp.get_json()["error"]["message"] == "登录凭证（code）：必填"


def test_too_short_string_gives_both_bounds(client):
    headers = login(client, "short")
    resp = client.post("/api/v1/projects/join", json={"join_code": "ab"}, headers=headers)
    field = fields_of(resp)["join_code"]
    assert field["type"] == "string_too_short"
    assert field["msg"] == "长度需为 4–16 位"
    assert resp.get_json()["error"]["message"] == "项目码（join_code）：长度需为 4–16 位"


def test_bad_enum_lists_the_choices(client):
    headers = login(client, "enum")
    resp = client.post("/api/v1/me/consents", json={"kind": "everything", "version": "v1"}, headers=headers)
    field = fields_of(resp)["kind"]
    assert field["type"] == "literal_error"
    assert field["msg"] == "需为以下之一：privacy_policy / biometric / location / financial"
    assert is_chinese(resp.get_json()["error"]["message"]) and "kind" in resp.get_json()["error"]["message"]


def test_every_message_is_chinese_and_counts_the_rest(client):
    headers = login(client, "many")
    resp = client.post("/api/v1/companies", json={"name": 5, "uscc": "1" * 30, "extra": True}, headers=headers)
    fields = fields_of(resp)
    assert set(fields) == {"name", "uscc", "extra"}
    assert all(is_chinese(f["msg"]) for f in fields.values())
    assert fields["uscc"]["msg"] == "长度需为 18 位" and fields["extra"]["type"] == "extra_forbidden"
    assert resp.get_json()["error"]["message"].endswith("（另有 2 处需修改）")


def test_nested_and_numeric_bounds(client):
    headers = login(client, "nested")
    resp = client.post("/api/v1/projects", headers=headers, json={
        "name": "项目", "address": "地址", "general_contractor_id": 1, "wage_account_bank": "银行",
        "wage_account_no": "6222020200112233445",
        "geofence": {"type": "circle", "center": {"lat": 22.5, "lng": 114.0}, "radius_m": 1}})
    field = fields_of(resp)["geofence.circle.radius_m"]
    assert field["type"] == "greater_than_equal" and field["msg"] == "需在 30 到 5000 之间"


def test_body_that_is_not_an_object(client):
    resp = client.post("/api/v1/auth/login", json=[1, 2])
    assert fields_of(resp)[""]["msg"] == "需为 JSON 对象"
    assert resp.get_json()["error"]["message"] == "请求体：需为 JSON 对象"


def test_a_challenge_needs_no_body(app, client):
    """Every field of POST /faces/challenges is optional, so no body at all is fine."""
    with app.app_context():
        user = make_user()
        grant_consent(user.id, "biometric", "v2")
        db.session.commit()
        headers = bearer(user)
    resp = client.post("/api/v1/faces/challenges", headers=headers)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["nonce"]
