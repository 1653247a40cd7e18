"""Weak signal: gzip when accepted, ETag/304 on re-polled GETs, cursor pages, polling hints."""

from __future__ import annotations

import gzip
import io

from infra import jobs
from models import FaceCheck, Role, db
from models.base import utcnow
from services.consents import grant_consent
from tests.faces.photos import face_bytes
from tests.factories import add_member, bearer, make_project, make_team, make_user


def test_gzip_only_when_accepted_and_worth_it(app, client):
    with app.app_context():
        admin = make_user()
        project = make_project(admin)
        for i in range(12):
            add_member(project, make_user(name=f"工人{i}"), Role.WORKER)
        db.session.commit()
        headers, url = bearer(admin), f"/api/v1/projects/{project.id}/members"
    plain = client.get(url, headers=headers)
    zipped = client.get(url, headers={**headers, "Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert int(zipped.headers["Content-Length"]) < len(plain.get_data()) / 3
    refused = client.get(url, headers={**headers, "Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers
    tiny = client.get("/api/v1/nothing", headers={"Accept-Encoding": "gzip"})  # a short error stays plain
    assert "Content-Encoding" not in tiny.headers and tiny.get_json()["error"]["code"] == "NOT_FOUND"


def test_etag_and_304(app, client):
    with app.app_context():
        user = make_user(name="张三")
        db.session.commit()
        headers = bearer(user)
    first = client.get("/api/v1/me", headers=headers)
    tag = first.headers["ETag"]
    assert tag.startswith('W/"') and "Date" not in first.headers
    again = client.get("/api/v1/me", headers={**headers, "If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["X-Request-Id"]
    assert again.headers["ETag"] == tag and "Content-Type" not in again.headers
    client.post("/api/v1/me/consents", json={"kind": "privacy_policy", "version": "v1"}, headers=headers)
    changed = client.get("/api/v1/me", headers={**headers, "If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    # a 304 never leaks across users: another caller's tag is just a miss
    with app.app_context():
        other = bearer(make_user())
        db.session.commit()
    assert client.get("/api/v1/me", headers={**other, "If-None-Match": tag}).status_code == 200


def test_cursor_pages(app, client):
    with app.app_context():
        admin = make_user()
        project = make_project(admin)
        for name in ("钢筋班", "木工班", "泥水班"):
            make_team(admin, project, name=name)
        db.session.commit()
        headers, url = bearer(admin), f"/api/v1/projects/{project.id}/teams"
    page1 = client.get(url + "?limit=2", headers=headers).get_json()
    assert [t["name"] for t in page1["items"]] == ["钢筋班", "木工班"] and page1["next_cursor"]
    page2 = client.get(url, query_string={"limit": 2, "cursor": page1["next_cursor"]}, headers=headers).get_json()
    assert [t["name"] for t in page2["items"]] == ["泥水班"] and page2["next_cursor"] is None
    whole = client.get(url, headers=headers).get_json()
    assert len(whole["items"]) == 3 and whole["next_cursor"] is None
    bad = client.get(url, query_string={"cursor": "not-ours"}, headers=headers)
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "CURSOR_INVALID"
    too_many = client.get(url + "?limit=1000", headers=headers)
    assert too_many.get_json()["error"]["details"]["fields"][0]["msg"] == "需在 1 到 100 之间"


def _worker(app):
    with app.app_context():
        user = make_user()
        grant_consent(user.id, "biometric", "v2")
        db.session.commit()
        return user.id, bearer(user)


def test_pending_check_says_when_to_poll_again(app, client):
    user_id, headers = _worker(app)
    with app.app_context():
        check = FaceCheck(user_id=user_id, kind="enroll", liveness_mode="passive", status="pending",
                          created_at=utcnow())
        db.session.add(check)
        db.session.commit()
        check_id = check.id
    resp = client.get(f"/api/v1/faces/checks/{check_id}", headers=headers)
    assert resp.status_code == 200 and resp.headers["Retry-After"] == "1"
    with app.app_context():
        db.session.get(FaceCheck, check_id).status = "failed"
        db.session.commit()
    assert "Retry-After" not in client.get(f"/api/v1/faces/checks/{check_id}", headers=headers).headers


def test_upload_answers_an_absolute_poll_url(app, client):
    _, headers = _worker(app)
    data = {"kind": "enroll", "frames": [(io.BytesIO(face_bytes("img1.jpg")), "a.jpg")]}
    resp = client.post("/api/v1/faces/checks", data=data, headers={**headers, "Idempotency-Key": "k-abs-1"},
                       content_type="multipart/form-data", base_url="https://siteroll.example.cn")
    assert resp.status_code == 202 and resp.headers["Retry-After"] == "1"
    poll_url = resp.get_json()["poll_url"]
    assert poll_url == f"https://siteroll.example.cn/api/v1/faces/checks/{resp.get_json()['check_id']}"
    if app.config["JOBS_MODE"] != "rq":  # let the in-process job finish before the next test truncates
        assert jobs.wait_idle(app, 300)


def test_two_frames_without_a_challenge_say_so(app, client):
    """Too many photos without a challenge: a count to fix, not an undecodable image."""
    _, headers = _worker(app)
    frames = [(io.BytesIO(face_bytes(name)), name) for name in ("img1.jpg", "img2.jpg", "img3.jpg", "img4.jpg")]
    resp = client.post("/api/v1/faces/checks", data={"kind": "enroll", "frames": frames}, headers=headers,
                       content_type="multipart/form-data")
    error = resp.get_json()["error"]
    assert resp.status_code == 422 and error["code"] == "FRAME_COUNT_INVALID"
    assert "JPG/PNG" not in error["message"] and error["details"]["expected"] == [1, 3]
