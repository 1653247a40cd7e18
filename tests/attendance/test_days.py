"""HTTP: the leader's day, confirmation with corrections, the worker's month with reasons,
disputes, the month lock payroll sets, the evidence photo and the monthly sheet."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models import AuditEntry, db
from services.attendance import locks
from services.attendance.rules import SHANGHAI, set_rules
from tests.attendance.conftest import ago, enroll_worker, error, settle

pytestmark = pytest.mark.slow


@pytest.fixture
def worked_day(app, client, worker_site):
    """The worker clocked in nine hours ago and out just now (the day starts ten hours ago, so both
    fall on one business day whatever the hour the suite runs); the buddy never came."""
    site = worker_site
    enroll_worker(app, client, site, "buddy", "img8.jpg", 2, site.team_id)
    start = (datetime.now(UTC) - timedelta(hours=10)).astimezone(SHANGHAI)
    with app.app_context():
        set_rules(site.project_id, None, day_starts_minute=start.hour * 60 + start.minute)
        db.session.commit()
    clock_in = site.clock(client, taken_at=ago(hours=9)).get_json()
    assert "id" in clock_in, clock_in
    clock_out = site.clock(client, direction="out", taken_at=ago(minutes=1)).get_json()
    with app.app_context():
        settle(app)
    day = site.get_clock(client, clock_in["id"])["date"]
    return site, day, clock_in["id"], clock_out["id"]


def test_team_day_confirm_and_corrections(app, client, worked_day):
    site, day, in_id, _ = worked_day
    url = f"/api/v1/teams/{site.team_id}/days/{day}"
    for who in ("other_leader", "worker"):
        assert client.get(url, headers=site.headers[who]).status_code == 403
    assert client.get(url, headers=site.headers["stranger"]).status_code == 404
    items = {i["user_id"]: i for i in client.get(url, headers=site.headers["leader"]).get_json()["items"]}
    worker, buddy = items[site.users["worker"]], items[site.users["buddy"]]
    assert (worker["status"], worker["confirmed"]) == ("present", False) and worker["worked_minutes"] >= 530
    assert [f["code"] for f in worker["flags"]] == ["LATE_UPLOAD"] and worker["name_masked"].endswith("*")
    assert (buddy["status"], buddy["worked_minutes"], buddy["clocks"]) == ("absent", 0, [])

    confirm = f"{url}/confirm"
    fix = {"user_id": site.users["buddy"], "status": "half", "worked_minutes": 240}
    missing = client.post(confirm, json={"corrections": [fix]}, headers=site.headers["leader"])
    assert missing.status_code == 422 and error(missing)["code"] == "CORRECTION_REASON_REQUIRED"
    fix["reason"] = "下午在二号楼干活，手机没电未打卡，班组长核实"
    assert client.post(confirm, json={"corrections": [fix]}, headers=site.headers["other_leader"]).status_code == 403
    assert client.post(confirm, json={}, headers=site.headers["worker"]).status_code == 403
    done = client.post(confirm, json={"corrections": [fix]}, headers=site.headers["leader"])
    assert done.status_code == 200, done.get_json()
    confirmed = {i["user_id"]: i for i in done.get_json()["items"]}
    assert confirmed[site.users["buddy"]]["status"] == "half" and confirmed[site.users["buddy"]]["corrected"]
    assert confirmed[site.users["worker"]]["status"] == "present"

    after = {i["user_id"]: i for i in client.get(url, headers=site.headers["labour"]).get_json()["items"]}
    assert after[site.users["buddy"]]["computed_status"] == "absent"  # the original is kept
    with app.app_context():
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "attendance.day_corrected")).scalar_one()
        assert "手机没电" in entry.details and '"absent"' in entry.details

    # payroll approved the month: nothing changes any more
    with app.app_context():
        locks.lock_month(site.project_id, day[:7], reference="payroll:1")
        db.session.commit()
    locked = client.post(confirm, json={}, headers=site.headers["labour"])
    assert locked.status_code == 409 and error(locked)["code"] == "ATTENDANCE_LOCKED"


def test_worker_sees_each_days_reason_and_the_dispute_loop(app, client, worked_day):
    site, day, _, _ = worked_day
    fix = {"user_id": site.users["buddy"], "status": "half", "worked_minutes": 240, "reason": "班组长现场核实半天"}
    client.post(f"/api/v1/teams/{site.team_id}/days/{day}/confirm", json={"corrections": [fix]},
                headers=site.headers["leader"])
    month = client.get(f"/api/v1/me/attendance?project_id={site.project_id}&month={day[:7]}",
                       headers=site.headers["worker"])
    assert month.status_code == 200
    days = {d["date"]: d for d in month.get_json()["items"]}
    mine = days[day]
    assert (mine["status"], mine["confirmed"]) == ("present", True)
    assert "上班" in mine["explanation"] and "离线打卡" in mine["explanation"] and "已由班组长确认" in mine["explanation"]
    assert [f["code"] for f in mine["flags"]] == ["LATE_UPLOAD"] and len(mine["clocks"]) == 2
    other_days = [d for d in days.values() if d["date"] < day]
    assert all(d["status"] == "absent" and "缺勤" in d["explanation"] for d in other_days)

    buddy = {d["date"]: d for d in client.get(f"/api/v1/me/attendance?project_id={site.project_id}&month={day[:7]}",
                                              headers=site.headers["buddy"]).get_json()["items"]}[day]
    assert buddy["status"] == "half" and buddy["corrections"][0]["reason"] == "班组长现场核实半天"
    assert "更正为半天" in buddy["explanation"]
    assert client.get(f"/api/v1/me/attendance?project_id={site.project_id}&month=2026-13",
                      headers=site.headers["worker"]).status_code == 422

    opened = client.post(f"/api/v1/me/attendance/{day}/disputes",
                         json={"project_id": site.project_id, "reason": "我下午一直在，应算全天"}, headers=site.headers["buddy"])
    assert opened.status_code == 201, opened.get_json()
    dispute = opened.get_json()
    again = client.post(f"/api/v1/me/attendance/{day}/disputes",
                        json={"project_id": site.project_id, "reason": "再提一次"}, headers=site.headers["buddy"])
    assert again.status_code == 409 and error(again)["code"] == "DISPUTE_ALREADY_OPEN"
    with app.app_context():
        from services.attendance.disputes import open_disputes

        assert [d.id for d in open_disputes(site.project_id, day[:7])] == [dispute["id"]]
    resolve = f"/api/v1/disputes/{dispute['id']}/resolve"
    for who in ("worker", "buddy", "other_leader"):
        assert client.post(resolve, json={"resolution": "已核实"}, headers=site.headers[who]).status_code == 403
    done = client.post(resolve, json={"resolution": "核实监控，改为全天"}, headers=site.headers["leader"])
    assert done.status_code == 200 and done.get_json()["status"] == "resolved"
    view = {d["date"]: d for d in client.get(f"/api/v1/me/attendance?project_id={site.project_id}&month={day[:7]}",
                                             headers=site.headers["buddy"]).get_json()["items"]}[day]
    assert view["disputes"][0]["resolution"] == "核实监控，改为全天"


def test_evidence_photo_and_monthly_sheet(app, client, worked_day):
    site, day, in_id, _ = worked_day
    url = f"/api/v1/attendance/clocks/{in_id}/photo"
    for who in ("worker", "other_leader"):
        assert client.get(url, headers=site.headers[who]).status_code == 403
    photo = client.get(url, headers=site.headers["leader"])
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg" and photo.data[:3] == b"\xff\xd8\xff"
    with app.app_context():
        viewed = db.session.execute(select(AuditEntry).where(AuditEntry.action == "attendance.photo_viewed")).scalars()
        assert [e.actor_user_id for e in viewed] == [site.users["leader"]]

    client.post(f"/api/v1/teams/{site.team_id}/days/{day}/confirm", json={}, headers=site.headers["leader"])
    sheet_url = f"/api/v1/teams/{site.team_id}/attendance.xlsx?month={day[:7]}"
    assert client.get(sheet_url, headers=site.headers["other_leader"]).status_code == 403
    resp = client.get(sheet_url, headers=site.headers["leader"])
    assert resp.status_code == 200 and "attachment" in resp.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(resp.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[1]
    assert header[:2] == ("工人编号", "姓名") and "出勤天数" in header
    worker_row = next(r for r in rows[2:] if r[0] == site.users["worker"])
    assert worker_row[header.index(f"{int(day[8:])}日")] == "√" and worker_row[header.index("出勤天数")] == 1
