"""No input gets an HTML page or a 500: every failure is the error JSON with a code."""

from __future__ import annotations

import pytest

from tests.factories import login


def assert_error(resp, status: int, code: str) -> None:
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert body["error"]["code"] == code and body["error"]["message"]


def test_unknown_path(client):
    assert_error(client.get("/api/v1/nothing-here"), 404, "NOT_FOUND")


def test_wrong_method(client):
    assert_error(client.delete("/api/v1/auth/login"), 405, "METHOD_NOT_ALLOWED")


def test_wrong_content_type(client):
    assert_error(client.post("/api/v1/auth/login", data="code=x", content_type="application/x-www-form-urlencoded"),
                 415, "UNSUPPORTED_MEDIA_TYPE")


def test_broken_json(client):
    assert_error(client.post("/api/v1/auth/login", data="{", content_type="application/json"), 400, "INVALID_JSON")


def test_too_large(client, app):
    big = b'{"code": "' + b"x" * (app.config["MAX_CONTENT_LENGTH"] + 10) + b'"}'
    assert_error(client.post("/api/v1/auth/login", data=big, content_type="application/json"),
                 413, "PAYLOAD_TOO_LARGE")


@pytest.mark.parametrize("body", [{}, {"code": ""}, {"code": 5}, {"code": "x", "extra": 1}, [], "str", None])
def test_validation(client, body):
    resp = client.post("/api/v1/auth/login", json=body)
    assert_error(resp, 422, "VALIDATION_FAILED")
    assert resp.get_json()["error"]["details"]["fields"]


def test_bad_uscc_and_geofence(client):
    headers = login(client, "validator")
    assert_error(client.post("/api/v1/companies", json={"name": "坏公司", "uscc": "91440300279569123X"},
                             headers=headers), 422, "USCC_INVALID")
    company = client.post("/api/v1/companies", json={"name": "好公司", "uscc": "91440300279569123Q"},
                          headers=headers).get_json()
    base = {"name": "项目", "address": "地址", "general_contractor_id": company["id"],
            "wage_account_bank": "银行", "wage_account_no": "6222020200112233445"}
    far = {"type": "circle", "center": {"lat": 51.5, "lng": -0.12}, "radius_m": 300}
    assert_error(client.post("/api/v1/projects", json={**base, "geofence": far}, headers=headers),
                 422, "GEOFENCE_OUT_OF_RANGE")
    tiny = {"type": "circle", "center": {"lat": 22.5, "lng": 114.0}, "radius_m": 1}
    assert_error(client.post("/api/v1/projects", json={**base, "geofence": tiny}, headers=headers),
                 422, "VALIDATION_FAILED")
    ok = {"type": "polygon", "points": [{"lat": 22.54, "lng": 114.05}, {"lat": 22.55, "lng": 114.05},
                                        {"lat": 22.55, "lng": 114.06}]}
    resp = client.post("/api/v1/projects", json={**base, "geofence": ok}, headers=headers)
    assert resp.status_code == 201 and resp.get_json()["geofence"]["type"] == "polygon"


def test_rare_characters_round_trip(client):
    """生僻字 (outside the BMP) survive MariaDB's utf8mb4 and SQLite alike."""
    headers = login(client, "rare")
    name = "𠮷野𡈽建设有限公司"
    resp = client.post("/api/v1/companies", json={"name": name, "uscc": "91440300192174135N"}, headers=headers)
    assert resp.status_code == 201
    assert client.get(f"/api/v1/companies/{resp.get_json()['id']}", headers=headers).get_json()["name"] == name


def test_money_is_integer_fen(client):
    headers = login(client, "money")
    company = client.post("/api/v1/companies", json={"name": "钱公司", "uscc": "91440300279569123Q"},
                          headers=headers).get_json()
    project = client.post("/api/v1/projects", headers=headers, json={
        "name": "项目", "address": "地址", "general_contractor_id": company["id"], "wage_account_bank": "银行",
        "wage_account_no": "6222020200112233445",
        "geofence": {"type": "circle", "center": {"lat": 22.5, "lng": 114.0}, "radius_m": 100}}).get_json()
    url = f"/api/v1/projects/{project['id']}/teams"
    assert_error(client.post(url, json={"name": "班", "default_day_wage_fen": 350.5}, headers=headers),
                 422, "VALIDATION_FAILED")
    assert_error(client.post(url, json={"name": "班", "default_day_wage_fen": -1}, headers=headers),
                 422, "VALIDATION_FAILED")
    assert client.post(url, json={"name": "班", "default_day_wage_fen": 35000}, headers=headers).status_code == 201


def test_reads_may_not_write_unless_declared(app):
    """A GET takes no write lock; a write slipping into one fails loudly instead of racing."""
    from models import User, db
    from models.base import read_only_transactions

    with app.app_context():
        token = read_only_transactions.set(True)
        try:
            db.session.add(User(openid="sneaky"))
            with pytest.raises(RuntimeError, match="@writes"):
                db.session.flush()
        finally:
            read_only_transactions.reset(token)
            db.session.rollback()


def test_every_answer_carries_a_request_id(client):
    ok = client.get("/healthz")
    err = client.get("/api/v1/me")
    assert len(ok.headers["X-Request-Id"]) == 32 and ok.headers["X-Request-Id"] != err.headers["X-Request-Id"]
    echoed = client.get("/healthz", headers={"X-Request-Id": "wxreq12345678"})
    assert echoed.headers["X-Request-Id"] == "wxreq12345678"


# ---- issue 13, item 10


def test_deeply_nested_json_is_a_400_not_a_500(client):
    headers = login(client, "deep")
    deep = b"[" * 5000 + b"]" * 5000
    resp = client.post("/api/v1/companies", data=deep, content_type="application/json", headers=headers)
    assert_error(resp, 400, "JSON_TOO_DEEP")
    nested = b'{"a":' * 5000 + b"1" + b"}" * 5000
    assert_error(client.post("/api/v1/auth/login", data=nested, content_type="application/json"),
                 400, "JSON_TOO_DEEP")


def test_json_body_has_its_own_small_limit(client, app):
    limit = app.config["JSON_MAX_BYTES"]
    assert limit < app.config["MAX_CONTENT_LENGTH"]
    body = b'{"code": "' + b"x" * limit + b'"}'
    resp = client.post("/api/v1/auth/login", data=body, content_type="application/json")
    assert_error(resp, 413, "PAYLOAD_TOO_LARGE")
    assert resp.get_json()["error"]["details"]["max_bytes"] == limit
