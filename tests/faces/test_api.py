"""HTTP: the happy path and the main refusals of /api/v1/faces."""

from __future__ import annotations

import io

import pytest

from models import FaceCheck, Project, Role, db
from tests.conftest import drain_jobs
from tests.faces.photos import face_bytes
from tests.faces.test_checks import WORKER_PROJECT, consenting_worker
from tests.factories import add_member, bearer, make_user

pytestmark = pytest.mark.slow


def upload(client, headers, kind: str, *frames: bytes, **fields):
    data = {
        "kind": kind,
        **fields,
        "frames": [(io.BytesIO(f), f"frame{i}.jpg") for i, f in enumerate(frames)],
    }
    return client.post("/api/v1/faces/checks", data=data, headers=headers, content_type="multipart/form-data")


@pytest.fixture
def worker(app):
    with app.app_context():
        user = consenting_worker()
        return user.id, bearer(user)


SCORES = {"distance", "threshold", "anti_spoof_score", "anti_spoof_real", "model"}


def test_enroll_then_clock_in_over_http(app, client, worker, engine) -> None:
    user_id, headers = worker
    project_id = WORKER_PROJECT[user_id]
    resp = upload(client, headers, "enroll", face_bytes("img1.jpg"))
    assert resp.status_code == 202, resp.get_json()
    poll = resp.get_json()["poll_url"]
    with app.app_context():
        drain_jobs(app, "face")
    result = client.get(poll, headers=headers).get_json()
    assert result["status"] == "passed" and not SCORES & set(result)

    resp = upload(client, headers, "clock", face_bytes("img3.jpg"), project_id=str(project_id))
    assert resp.status_code == 202, resp.get_json()
    with app.app_context():
        drain_jobs(app, "face")
    result = client.get(resp.get_json()["poll_url"], headers=headers).get_json()
    assert (result["status"], result["reason_code"]) == ("failed", "FACE_MISMATCH")
    assert result["message"] == "人脸与登记信息不一致，请本人重试"
    # the worker sees status and reason only; the labour manager sees the scores
    assert not SCORES & set(result)
    with app.app_context():
        manager = make_user()
        add_member(db.session.get(Project, project_id), manager, Role.LABOUR_MANAGER)
        db.session.commit()
        manager_headers = bearer(manager)
    review_url = f"/api/v1/projects/{project_id}/faces/checks/{result['check_id']}"
    review = client.get(review_url, headers=manager_headers).get_json()
    assert review["distance"] > review["threshold"] and review["model"].startswith("Dlib/")
    assert client.get(review_url, headers=headers).status_code == 403  # not the worker


def test_bad_uploads_get_a_code_and_a_chinese_message(client, worker) -> None:
    _, headers = worker
    resp = upload(client, headers, "enroll", b"GIF89a not a jpeg")
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert error["code"] == "IMAGE_UNDECODABLE" and "照片" in error["message"]
    resp = upload(client, headers, "selfie", face_bytes("img1.jpg"))
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "VALIDATION_FAILED"


def test_consent_and_ownership(app, client, worker) -> None:
    with app.app_context():
        stranger = make_user()
        db.session.commit()
        stranger_headers = bearer(stranger)
    resp = upload(client, stranger_headers, "enroll", face_bytes("img1.jpg"))
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "CONSENT_REQUIRED"
    _, headers = worker
    check_url = upload(client, headers, "enroll", face_bytes("img1.jpg")).get_json()["poll_url"]
    assert client.get(check_url, headers=stranger_headers).status_code == 404
    with app.app_context():
        drain_jobs(app, "face")  # leave no job running into the next test's clean-up


def test_challenge_is_issued(client, worker) -> None:
    _, headers = worker
    resp = client.post("/api/v1/faces/challenges", json={}, headers=headers)
    assert resp.status_code == 201
    body = resp.get_json()
    assert (
        body["movement"] in {"turn_left", "turn_right", "raise_chin", "lower_chin"}
        and len(body["nonce"]) >= 32
    )
    assert (
        client.post("/api/v1/faces/challenges", json={"project_id": 999}, headers=headers).status_code == 404
    )


def test_retried_upload_with_idempotency_key_creates_one_check(app, client, worker) -> None:
    """Weak signal: the phone resends the same selfie; one check, the same answer."""
    user_id, headers = worker
    keyed = headers | {"Idempotency-Key": "selfie-upload-1"}
    photo = face_bytes("img1.jpg")
    first = upload(client, keyed, "enroll", photo)
    second = upload(client, keyed, "enroll", photo)
    assert first.status_code == second.status_code == 202
    assert second.headers.get("Idempotent-Replayed") == "true"
    # the same answer, and its body says it is the replay (wx.uploadFile gives the phone no headers)
    assert (first.get_json()["replayed"], second.get_json()["replayed"]) == (False, True)
    assert {**first.get_json(), "replayed": True} == second.get_json()
    with app.app_context():
        from sqlalchemy import func, select

        drain_jobs(app, "face")
        count = db.session.execute(
            select(func.count()).select_from(FaceCheck).where(FaceCheck.user_id == user_id)).scalar_one()
    assert count == 1
    assert client.get(first.get_json()["poll_url"], headers=headers).get_json()["status"] == "passed"
