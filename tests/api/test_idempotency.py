"""A POST repeated with the same Idempotency-Key gets the first answer, even when the two race."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from models import Company, db
from tests.factories import USCCS, login

BODY = {"name": "幂等建设", "uscc": USCCS[2]}


def company_count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Company)).scalar_one()


def test_repeat_returns_first_answer(client, app):
    headers = login(client, "idem") | {"Idempotency-Key": "k-1"}
    first = client.post("/api/v1/companies", json=BODY, headers=headers)
    second = client.post("/api/v1/companies", json=BODY, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json()
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert company_count(app) == 1


def test_without_key_the_repeat_is_a_conflict(client):
    headers = login(client, "idem")
    assert client.post("/api/v1/companies", json=BODY, headers=headers).status_code == 201
    resp = client.post("/api/v1/companies", json=BODY, headers=headers)
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "COMPANY_EXISTS"


def test_same_key_other_body_is_refused(client):
    headers = login(client, "idem") | {"Idempotency-Key": "k-2"}
    client.post("/api/v1/companies", json=BODY, headers=headers)
    resp = client.post("/api/v1/companies", json={**BODY, "name": "别的"}, headers=headers)
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_keys_are_per_user(client, app):
    a = login(client, "idem-a") | {"Idempotency-Key": "shared"}
    b = login(client, "idem-b") | {"Idempotency-Key": "shared"}
    first = client.post("/api/v1/companies", json=BODY, headers=a)
    resp = client.post("/api/v1/companies", json=BODY, headers=b)
    # b's own first attempt (their own unverified claim), not a's stored answer
    assert resp.status_code == 201 and resp.get_json()["id"] != first.get_json()["id"]
    assert "Idempotent-Replayed" not in resp.headers


def test_failed_request_is_not_stored(client, app):
    headers = login(client, "idem") | {"Idempotency-Key": "k-3"}
    bad = client.post("/api/v1/companies", json={**BODY, "uscc": "91440300279569123X"}, headers=headers)
    assert bad.status_code == 422
    good = client.post("/api/v1/companies", json=BODY, headers=headers)
    assert good.status_code == 201 and company_count(app) == 1


def test_concurrent_repeats_create_once(app):
    client = app.test_client()
    headers = login(client, "racer") | {"Idempotency-Key": "race-1"}
    barrier = threading.Barrier(4)
    answers: list[tuple[int, dict]] = []

    def fire() -> None:
        c = app.test_client()
        barrier.wait()
        resp = c.post("/api/v1/companies", json=BODY, headers=headers)
        answers.append((resp.status_code, resp.get_json()))

    threads = [threading.Thread(target=fire) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(answers) == 4
    assert {status for status, _ in answers} == {201}, answers
    assert len({body["id"] for _, body in answers}) == 1
    assert company_count(app) == 1


def test_expired_keys_are_purged_and_reusable(client, app):
    from datetime import timedelta

    from models import IdempotencyRecord

    headers = login(client, "idem") | {"Idempotency-Key": "old"}
    client.post("/api/v1/companies", json=BODY, headers=headers)
    with app.app_context():
        record = db.session.execute(select(IdempotencyRecord)).scalar_one()
        record.created_at = record.created_at - timedelta(hours=49)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["maintenance", "purge-idempotency"])
    assert "removed 1" in result.output
    resp = client.post("/api/v1/companies", json=BODY, headers=headers)
    assert resp.status_code == 409  # a fresh attempt, not the stored answer


# ---- issue 13, item 8


def test_revoked_token_gets_no_replay(client, app):
    headers = login(client, "idem-revoked") | {"Idempotency-Key": "k-revoked"}
    assert client.post("/api/v1/companies", json=BODY, headers=headers).status_code == 201
    token_only = {"Authorization": headers["Authorization"]}
    assert client.post("/api/v1/auth/logout-all", headers=token_only).status_code == 200
    replay = client.post("/api/v1/companies", json=BODY, headers=headers)
    assert replay.status_code == 401 and replay.get_json()["error"]["code"] == "TOKEN_REVOKED"
    assert "Idempotent-Replayed" not in replay.headers


def test_login_answers_are_never_stored(client, app):
    from models import IdempotencyRecord

    other = login(client, "idem-someone")
    resp = client.post("/api/v1/auth/login", json={"code": "fake:idem-login"},
                       headers=other | {"Idempotency-Key": "login-1"})
    assert resp.status_code == 200
    again = client.post("/api/v1/auth/login", json={"code": "fake:idem-login"},
                        headers=other | {"Idempotency-Key": "login-1"})
    assert "Idempotent-Replayed" not in again.headers
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(IdempotencyRecord)).scalar_one() == 0


def test_stored_answers_are_encrypted(client, app):
    from models import IdempotencyRecord

    headers = login(client, "idem-enc") | {"Idempotency-Key": "k-enc"}
    assert client.post("/api/v1/companies", json=BODY, headers=headers).status_code == 201
    with app.app_context():
        stored = db.session.execute(select(IdempotencyRecord)).scalar_one().response_body
        assert BODY["uscc"] not in stored and "幂等" not in stored
    replay = client.post("/api/v1/companies", json=BODY, headers=headers)
    assert replay.get_json()["uscc"] == BODY["uscc"] and replay.headers["Idempotent-Replayed"] == "true"


def test_unknown_or_overlong_paths_do_not_claim_a_key(client, app):
    from models import IdempotencyRecord

    headers = login(client, "idem-path") | {"Idempotency-Key": "k-path"}
    resp = client.post("/api/v1/" + "x" * 400, json={}, headers=headers)
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "NOT_FOUND"
    long_id = "9" * 300  # matches <int:project_id>; the path is longer than the column
    resp = client.post(f"/api/v1/projects/{long_id}/teams", json={"name": "x", "default_day_wage_fen": 1},
                       headers=headers | {"Idempotency-Key": "k-long"})
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "VALIDATION_FAILED"
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(IdempotencyRecord)).scalar_one() == 0
