"""HTTP on real Redis/RQ (or embedded): clock in/out from selfie + GPS to a decided clock and a day."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from models import FaceCheck, db
from tests.attendance.conftest import CENTER, ago, error, north_of_center, settle

pytestmark = pytest.mark.slow


def test_accepted_inside_the_fence_with_a_matching_face(app, client, worker_site) -> None:
    resp = worker_site.clock(client)
    assert resp.status_code == 202, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "pending" and body["merged"] is False
    with app.app_context():
        settle(app)
    clock = worker_site.get_clock(client, body["id"])
    assert (clock["status"], clock["reason_code"], clock["flags"]) == ("accepted", None, [])
    assert clock["distance_m"] == 0 and clock["source"] == "face"

    out = worker_site.clock(client, direction="out")
    with app.app_context():
        settle(app)
    assert worker_site.get_clock(client, out.get_json()["id"])["status"] == "accepted"
    day = client.get(f"/api/v1/teams/{worker_site.team_id}/days/{clock['date']}",
                     headers=worker_site.headers["leader"]).get_json()
    mine = next(i for i in day["items"] if i["user_id"] == worker_site.users["worker"])
    assert mine["first_in"] and mine["last_out"] and len(mine["clocks"]) == 2
    # an absolute, short-lived link signed for the leader: opens with no token (as <image src> does)
    photo_url = mine["clocks"][0]["photo_url"]
    assert photo_url.startswith(f"http://localhost/api/v1/media/clock-photo/{body['id']}?")
    assert "Bearer" not in photo_url and client.get(photo_url).mimetype in ("image/jpeg", "image/png")


def test_rejected_outside_the_fence(app, client, worker_site) -> None:
    resp = worker_site.clock(client, at=north_of_center(1500))
    assert resp.status_code == 202 and resp.get_json()["status"] == "rejected"
    clock = worker_site.get_clock(client, resp.get_json()["id"])
    assert clock["reason_code"] == "OUTSIDE_GEOFENCE" and clock["message"] == "打卡位置不在项目电子围栏内"
    assert clock["distance_m"] == pytest.approx(1200, abs=5)


def test_boundary_and_poor_accuracy(app, client, worker_site) -> None:
    # 20 m past the edge, phone says ±30 m: inside within the accuracy it reports
    edge = worker_site.clock(client, at=north_of_center(320), accuracy_m=30)
    # 60 m past the edge with a ±500 m cell fix: cannot tell, so flagged for the leader
    vague = worker_site.clock(client, at=north_of_center(360), accuracy_m=500, direction="out")
    # 60 m past the edge with a good ±10 m fix: outside
    outside = worker_site.clock(client, at=north_of_center(360), accuracy_m=10, direction="out")
    with app.app_context():
        settle(app)
    assert worker_site.get_clock(client, edge.get_json()["id"])["status"] == "accepted"
    flagged = worker_site.get_clock(client, vague.get_json()["id"])
    assert flagged["status"] == "flagged" and [f["code"] for f in flagged["flags"]] == ["LOW_ACCURACY"]
    assert worker_site.get_clock(client, outside.get_json()["id"])["reason_code"] == "OUTSIDE_GEOFENCE"


def test_zero_coordinates_and_impossible_speed(app, client, worker_site) -> None:
    zero = worker_site.clock(client, at=(0.0, 0.0))
    assert zero.get_json()["status"] == "rejected"
    clock = worker_site.get_clock(client, zero.get_json()["id"])
    assert clock["reason_code"] == "LOCATION_INVALID" and [f["code"] for f in clock["flags"]] == ["ZERO_COORDINATES"]

    # 55 km away eleven minutes ago (kept, rejected), then at the gate: 300 km/h
    far = worker_site.clock(client, at=(CENTER[0] + 0.5, CENTER[1]), taken_at=ago(minutes=11))
    assert far.get_json()["status"] == "rejected"
    here = worker_site.clock(client)
    with app.app_context():
        settle(app)
    clock = worker_site.get_clock(client, here.get_json()["id"])
    assert clock["status"] == "flagged" and "IMPOSSIBLE_SPEED" in [f["code"] for f in clock["flags"]]


def test_repeated_coordinates_and_shared_device(app, client, worker_site) -> None:
    spot = (22.5431234567, 114.0578765432)
    first = worker_site.clock(client, at=spot, device_id="dev-1", taken_at=ago(minutes=8))
    again = worker_site.clock(client, at=spot, direction="out", device_id="dev-1")
    with app.app_context():
        settle(app)
    assert worker_site.get_clock(client, first.get_json()["id"])["status"] == "accepted"
    clock = worker_site.get_clock(client, again.get_json()["id"])
    assert [f["code"] for f in clock["flags"]] == ["REPEATED_COORDINATES"]


def test_late_upload_inside_and_outside_the_lag_and_skew(app, client, worker_site) -> None:
    late = worker_site.clock(client, taken_at=ago(hours=3))
    with app.app_context():
        settle(app)
    clock = worker_site.get_clock(client, late.get_json()["id"])
    assert clock["status"] == "flagged" and [f["code"] for f in clock["flags"]] == ["LATE_UPLOAD"]
    too_late = worker_site.clock(client, taken_at=ago(hours=25), direction="out")
    assert too_late.status_code == 422 and error(too_late)["code"] == "CLOCK_TOO_LATE"
    ahead = worker_site.clock(client, taken_at=ago(minutes=-30), direction="out")
    assert ahead.status_code == 422 and error(ahead)["code"] == "CLOCK_SKEW"


def test_face_check_must_be_own_clock_kind_unused_and_recent(app, client, worker_site, asite) -> None:
    from tests.attendance.conftest import upload_face

    headers = worker_site.headers["worker"]
    project = {"project_id": worker_site.project_id}
    enroll_like = upload_face(client, headers, "img2.jpg", kind="contract", **project).get_json()["check_id"]
    fresh = upload_face(client, headers, "img2.jpg", **project).get_json()["check_id"]
    body = {"project_id": worker_site.project_id, "lat": CENTER[0], "lng": CENTER[1], "accuracy_m": 10,
            "direction": "in", "taken_at": ago(seconds=5).isoformat()}

    def post(check_id: int, who: str = "worker", **changes):
        return client.post("/api/v1/attendance/clocks", json={**body, "face_check_id": check_id, **changes},
                           headers=worker_site.headers[who])

    assert error(post(enroll_like))["code"] == "FACE_CHECK_KIND_INVALID"
    stale = upload_face(client, headers, "img2.jpg", **project).get_json()["check_id"]
    with app.app_context():  # the selfie was taken a quarter of an hour before the clock
        db.session.execute(update(FaceCheck).where(FaceCheck.id == stale).values(created_at=ago(minutes=15)))
        db.session.commit()
    assert error(post(stale))["code"] == "FACE_CHECK_STALE"
    assert post(fresh).status_code == 202
    assert error(post(fresh, direction="out"))["code"] == "FACE_CHECK_USED"
    assert post(fresh, who="stranger").status_code == 404  # not a member: nothing to see
    # two requests that both read the check unclaimed (the claim cleared here stands in for that
    # race): the later INSERT meets the unique index, answered 409 without a savepoint
    with app.app_context():
        db.session.execute(update(FaceCheck).where(FaceCheck.id == fresh).values(purpose=None))
        db.session.commit()
    raced = post(fresh, direction="out")
    assert raced.status_code == 409 and error(raced)["code"] == "FACE_CHECK_USED"


def test_idempotent_repeat_and_merge_window(app, client, worker_site) -> None:
    first = worker_site.clock(client, key="k-clock-1")
    with app.app_context():
        settle(app)
    assert worker_site.get_clock(client, first.get_json()["id"])["status"] == "accepted"
    # the same request again (same key, same body): the same answer, nothing new
    again = client.post("/api/v1/attendance/clocks", json=None, headers=worker_site.headers["worker"])
    assert again.status_code in (400, 422)
    tap = worker_site.clock(client)  # a second tap a moment later, new key: folded in
    assert tap.get_json() == {"id": first.get_json()["id"], "status": "accepted", "merged": True, "replayed": False,
                              "retry_after": 0, "poll_url": f"http://localhost/api/v1/attendance/clocks/{first.get_json()['id']}"}
    out = worker_site.clock(client, direction="out")
    assert out.get_json()["id"] != first.get_json()["id"]
