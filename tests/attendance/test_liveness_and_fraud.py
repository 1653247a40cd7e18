"""HTTP: someone else's face (buddy punching), passive spoof → retry → challenge, the witnessed
clock, concurrent repeats, the entry gate's refusal."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from models import db
from models.attendance import Clock
from tests.attendance.conftest import CENTER, enroll_worker, error, settle, upload_face

pytestmark = pytest.mark.slow

# frames that show each movement (same person as img1): see tests/faces/test_challenge.py
MOVES = {"turn_left": ["img2.jpg", "img11.jpg"], "turn_right": ["img11.jpg", "img2.jpg"],
         "raise_chin": ["img7.jpg", "img4.jpg"], "lower_chin": ["img4.jpg", "img7.jpg"]}


def codes(clock: dict) -> list[str]:
    return [f["code"] for f in clock["flags"]]


def test_someone_elses_face_is_rejected_and_flagged_for_the_labour_manager_only(app, client, worker_site):
    site = worker_site
    enroll_worker(app, client, site, "buddy", "img8.jpg", 2, site.team_id)
    resp = site.clock(client, photo="img9.jpg")  # img9 is the buddy (img8's person), not the worker
    with app.app_context():
        settle(app)
    as_labour = site.get_clock(client, resp.get_json()["id"], "labour")
    assert (as_labour["status"], as_labour["reason_code"]) == ("rejected", "FACE_MISMATCH")
    assert codes(as_labour) == ["BUDDY_PUNCH"] and as_labour["buddy_user_id"] == site.users["buddy"]
    as_leader = site.get_clock(client, resp.get_json()["id"], "leader")
    assert codes(as_leader) == ["BUDDY_PUNCH"] and as_leader["buddy_user_id"] is None
    assert site.get_clock(client, resp.get_json()["id"])["buddy_user_id"] is None
    # another worker, the other team's leader: refused; an outsider learns nothing
    url = f"/api/v1/attendance/clocks/{resp.get_json()['id']}"
    assert client.get(url, headers=site.headers["buddy"]).status_code == 403
    assert client.get(url, headers=site.headers["other_leader"]).status_code == 403
    assert client.get(url, headers=site.headers["stranger"]).status_code == 404
    # the rejected attempt never absorbs the next one: the worker's own clock is a new record
    own = site.clock(client)
    assert own.get_json()["id"] != resp.get_json()["id"] and own.get_json()["merged"] is False


def test_passive_spoof_fail_asks_for_a_retry_then_the_challenge_passes(app, client, worker_site):
    site = worker_site
    spoof = site.clock(client, photo="spoof_sample_image_F2.jpg")
    with app.app_context():
        settle(app)
    clock = site.get_clock(client, spoof.get_json()["id"])
    assert (clock["status"], clock["reason_code"]) == ("retry", "LIVENESS_RETRY")
    assert "动作验证" in clock["message"]

    challenge = client.post("/api/v1/faces/challenges", json={"project_id": site.project_id},
                            headers=site.headers["worker"]).get_json()
    resp = site.clock(client, photo=MOVES[challenge["movement"]], nonce=challenge["nonce"])
    with app.app_context():
        settle(app)
    assert site.get_clock(client, resp.get_json()["id"])["status"] == "accepted"


def test_witnessed_clock_for_a_worker_without_biometric_consent(app, client, worker_site):
    site = worker_site
    enroll_worker(app, client, site, "nonface", "img13.jpg", 3, site.team_id)
    client.post("/api/v1/me/consents/biometric/withdraw", headers=site.headers["nonface"])
    body = {"user_id": site.users["nonface"], "direction": "in", "lat": CENTER[0], "lng": CENTER[1],
            "accuracy_m": 20, "taken_at": datetime.now(UTC).isoformat(), "note": "本人未同意人脸识别，班组长现场见证"}
    url = f"/api/v1/teams/{site.team_id}/witnessed-clocks"
    other = client.post(f"/api/v1/teams/{site.other_team_id}/witnessed-clocks", json=body,
                        headers=site.headers["other_leader"])
    assert other.status_code == 422 and error(other)["code"] == "NOT_TEAM_MEMBER"
    assert client.post(url, json=body, headers=site.headers["other_leader"]).status_code == 403
    assert client.post(url, json=body, headers=site.headers["worker"]).status_code == 403
    resp = client.post(url, json=body, headers=site.headers["leader"])
    assert resp.status_code == 201, resp.get_json()
    clock = resp.get_json()
    assert clock["status"] == "flagged" and codes(clock) == ["WITNESSED"] and clock["source"] == "witnessed"
    assert clock["witnessed_by"] == site.users["leader"]
    # a worker who consented and has not failed at the gate clocks in with the face
    refused = client.post(url, json={**body, "user_id": site.users["worker"]}, headers=site.headers["leader"])
    assert refused.status_code == 422 and error(refused)["code"] == "WITNESS_NOT_ALLOWED"
    day = client.get(f"/api/v1/teams/{site.team_id}/days/{clock['date']}", headers=site.headers["leader"]).get_json()
    row = next(i for i in day["items"] if i["user_id"] == site.users["nonface"])
    assert "WITNESSED" in [f["code"] for f in row["flags"]]


def test_repeat_with_the_same_key_also_concurrent_gives_one_record(app, client, worker_site):
    site = worker_site
    check_id = upload_face(client, site.headers["worker"], "img2.jpg", project_id=site.project_id).get_json()["check_id"]
    body = {"project_id": site.project_id, "face_check_id": check_id, "lat": 22.5431011, "lng": 114.0578022,
            "accuracy_m": 12, "direction": "in", "taken_at": datetime.now(UTC).isoformat()}
    headers = {**site.headers["worker"], "Idempotency-Key": uuid.uuid4().hex}

    def post(_):
        with app.test_client() as c:
            resp = c.post("/api/v1/attendance/clocks", json=body, headers=headers)
            return resp.status_code, resp.get_json()

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(post, range(4)))
    accepted = [a for s, a in answers if s == 202]
    assert accepted and {a["id"] for a in accepted} == {accepted[0]["id"]}
    assert all(s == 202 or a["error"]["code"] == "IDEMPOTENCY_IN_PROGRESS" for s, a in answers)
    again = client.post("/api/v1/attendance/clocks", json=body, headers=headers)
    assert again.status_code == 202 and again.get_json()["id"] == accepted[0]["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    # the same selfie under another key: refused, never a second record
    other_key = {**site.headers["worker"], "Idempotency-Key": uuid.uuid4().hex}
    assert error(client.post("/api/v1/attendance/clocks", json=body, headers=other_key))["code"] == "FACE_CHECK_USED"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Clock)) == 1


def test_gate_refusal_reasons(app, client, worker_site):
    site = worker_site
    client.post("/api/v1/me/consents/location/withdraw", headers=site.headers["worker"])
    resp = site.clock(client)
    assert resp.status_code == 403
    body = error(resp)
    assert body["code"] == "ENTRY_REFUSED" and body["message"] == "请同意位置信息授权后再打卡"
    assert [r["code"] for r in body["details"]["reasons"]] == ["CONSENT_LOCATION_MISSING"]
    # the leader is a member but not one of the project's workers: nothing to clock
    body = {"project_id": site.project_id, "face_check_id": 1, "lat": CENTER[0], "lng": CENTER[1],
            "accuracy_m": 10, "direction": "in", "taken_at": datetime.now(UTC).isoformat()}
    leader = client.post("/api/v1/attendance/clocks", json=body, headers=site.headers["leader"])
    assert leader.status_code == 404 and error(leader)["code"] == "PROJECT_NOT_FOUND"
