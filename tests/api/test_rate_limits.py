"""Rate limits per user and per IP: 429 with the error JSON and Retry-After (issue 13, item 7).
The suite runs with very high limits; each test here lowers the one it tries."""

from __future__ import annotations

import pytest

from models import db
from tests.factories import bearer, make_project, make_user


@pytest.fixture
def limits(app, monkeypatch):
    def lower(name: str, per_user: str, per_ip: str = "1000 per minute") -> None:
        monkeypatch.setitem(app.config["RATE_LIMITS"], name, (per_user, per_ip))

    return lower


def assert_limited(resp) -> None:
    assert resp.status_code == 429, resp.get_json()
    error = resp.get_json()["error"]
    assert error["code"] == "RATE_LIMITED" and error["message"] == "操作过于频繁，请稍后再试"
    assert int(resp.headers["Retry-After"]) >= 1
    assert error["details"]["retry_after_seconds"] == int(resp.headers["Retry-After"])


def test_login_is_limited_per_ip(client, limits):
    limits("login", "3 per minute", "3 per minute")
    for n in range(3):
        assert client.post("/api/v1/auth/login", json={"code": f"fake:rl-{n}"}).status_code == 200
    assert_limited(client.post("/api/v1/auth/login", json={"code": "fake:rl-x"}))
    other_ip = client.post("/api/v1/auth/login", json={"code": "fake:rl-y"},
                           environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other_ip.status_code == 200


def _users(app, prefix: str, n: int) -> list[dict[str, str]]:
    with app.app_context():
        users = [make_user(f"{prefix}-{i}") for i in range(n)]
        db.session.commit()
        return [bearer(u) for u in users]


def _join(client, headers, ip: str = "127.0.0.1"):
    return client.post("/api/v1/projects/join", json={"join_code": "ZZZZZZ"}, headers=headers,
                       environ_base={"REMOTE_ADDR": ip})


def test_join_codes_are_limited_per_user(client, app, limits):
    limits("join", "2 per minute", "1000 per minute")
    a, b = _users(app, "guesser", 2)
    assert [_join(client, a).status_code for _ in range(2)] == [404, 404]
    assert_limited(_join(client, a))
    assert_limited(_join(client, a, ip="10.9.9.9"))  # a new address does not reset the user's budget
    assert _join(client, b).status_code == 404  # the next user on the same site NAT is not affected


def test_join_codes_are_limited_per_ip(client, app, limits):
    limits("join", "1000 per minute", "2 per minute")
    a, b, c = _users(app, "spreader", 3)
    assert _join(client, a).status_code == 404
    assert _join(client, b).status_code == 404
    assert_limited(_join(client, c))  # guesses spread over accounts still come from one address
    assert _join(client, c, ip="10.9.9.9").status_code == 404


def test_phone_reveals_share_one_budget(client, app, limits):
    limits("pii", "2 per minute")
    with app.app_context():
        admin = make_user("reveal-admin")
        project = make_project(admin)
        db.session.commit()
        headers, pid, uid = bearer(admin), project.id, admin.id
    assert client.get("/api/v1/me/phone", headers=headers).status_code == 200
    assert client.get(f"/api/v1/projects/{pid}/members/{uid}/phone", headers=headers).status_code == 200
    assert_limited(client.get("/api/v1/me/phone", headers=headers))


def test_face_checks_are_limited(client, app, limits):
    limits("face", "1 per minute")
    with app.app_context():
        user = make_user("face-rl")
        db.session.commit()
        headers = bearer(user)
    first = client.post("/api/v1/faces/challenges", json={}, headers=headers)
    assert first.status_code == 403  # no biometric consent yet: refused, but it counted
    import io

    upload = {"kind": "enroll", "frames": (io.BytesIO(b"\xff\xd8\xff"), "a.jpg")}
    assert_limited(client.post("/api/v1/faces/checks", data=upload, headers=headers,
                               content_type="multipart/form-data"))


def test_the_limits_live_in_redis_in_production(app):
    storage = app.extensions["siteroll_limiter"].storage
    expected = "RedisStorage" if app.config.get("REDIS_URL") else "MemoryStorage"
    assert type(storage).__name__ == expected
