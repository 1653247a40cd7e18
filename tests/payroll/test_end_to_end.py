"""The whole chain through HTTP, from a new worker's join to a signed pay slip: consents, profile,
join, real face enrollment, approval, contract signed with a real face check, training, clock in
and out with selfies, the leader's confirmation, the month settled early (the current month),
the slip sent to the worker (WeChat notice) and signed before submission, maker-checker approval,
the bank file and its results.
Embedded (SQLite, in-process jobs) by default; MariaDB + Redis + real RQ workers in CI."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest
import requests

from models import Project, Role, User, db
from services.attendance.locks import month_of
from services.days import business_day
from tests.attendance.conftest import enroll_worker, settle
from tests.conftest import ROOT, drain_jobs, worker_env
from tests.factories import add_member, bearer, make_user
from tests.payroll.test_approval_and_bank import results_csv
from tests.payroll.test_slips import sign

pytestmark = pytest.mark.slow


def run_worker_process(app, app_config) -> None:
    """A real `rq worker` process (burst) on the default queue in RQ mode; the in-process runner otherwise."""
    if app.config["JOBS_MODE"] != "rq":
        drain_jobs(app, "default")
        return
    cmd = [sys.executable, "-m", "rq.cli", "worker", "--burst", "-w", "workers.worker.SiteRollWorker",
           "-u", app.config["REDIS_URL"], "default"]
    subprocess.run(cmd, env=worker_env(app_config), cwd=ROOT, check=True, timeout=300, start_new_session=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_from_join_to_a_signed_pay_slip(app, app_config, client, asite, face_models, fake_wechat) -> None:
    s = asite
    with app.app_context():
        approver = make_user("approver")
        add_member(db.session.get(Project, s.project_id), approver, Role.PAYROLL_APPROVER)
        db.session.commit()
        s.headers["approver"] = bearer(approver)
    worker, labour, leader = s.headers["worker"], s.headers["labour"], s.headers["leader"]

    enroll_worker(app, client, s, "worker", "img1.jpg", 1, s.team_id)
    assert client.post("/api/v1/me/payslip-subscription", headers=worker).status_code == 200
    for direction in ("in", "out"):
        resp = s.clock(client, "worker", "img2.jpg", direction=direction)
        assert resp.status_code == 202, resp.get_json()
        with app.app_context():
            settle(app)
        assert s.get_clock(client, resp.get_json()["id"])["status"] == "accepted"

    today = business_day()
    day = client.get(f"/api/v1/teams/{s.team_id}/days/{today.isoformat()}", headers=leader).get_json()
    mine = next(i for i in day["items"] if i["user_id"] == s.users["worker"])
    assert mine["first_in"] and mine["last_out"] and not mine["confirmed"]
    month = month_of(today)
    draft = client.post(f"/api/v1/projects/{s.project_id}/payrolls", json={"month": month}, headers=labour).get_json()
    assert [b["code"] for b in draft["blockers"]] == ["DAYS_UNCONFIRMED"]

    # the leader confirms the day as a full one (the test's clocks are minutes apart)
    confirmed = client.post(f"/api/v1/teams/{s.team_id}/days/{today.isoformat()}/confirm", json={
        "user_ids": [s.users["worker"]], "corrections": [{"user_id": s.users["worker"], "status": "present",
                                                          "worked_minutes": 480, "reason": "现场核实全天出勤"}]},
        headers=leader)
    assert confirmed.status_code == 200, confirmed.get_json()
    draft = client.post(f"/api/v1/projects/{s.project_id}/payrolls", json={"month": month}, headers=labour).get_json()
    assert draft["blockers"] == [] and draft["total_net_fen"] == 36000
    assert client.post(f"/api/v1/payrolls/{draft['id']}/issue-slips", headers=labour).status_code == 200
    run_worker_process(app, app_config)  # the notice that the slip waits for the worker's signature
    messages = requests.get(fake_wechat.base_url + "__fake__/messages", timeout=5).json()["messages"]
    with app.app_context():
        openid = db.session.get(User, s.users["worker"]).openid
    assert [m["touser"] for m in messages] == [openid]
    slips = client.get(f"/api/v1/me/payslips?project_id={s.project_id}", headers=worker).get_json()["items"]
    assert [(x["month"], x["net_fen"], x["status"]) for x in slips] == [(month, 36000, "to_confirm")]
    signed = sign(client, worker, slips[0]["id"])
    assert signed.status_code == 200 and signed.get_json()["status"] == "confirmed"
    assert client.post(f"/api/v1/payrolls/{draft['id']}/submit", headers=labour).status_code == 200
    approved = client.post(f"/api/v1/payrolls/{draft['id']}/approve", headers=s.headers["approver"])
    assert approved.status_code == 200, approved.get_json()

    bank = client.get(f"/api/v1/payrolls/{draft['id']}/bank-file", headers=labour)
    rows = list(csv.DictReader(io.StringIO(bank.data.decode())))
    assert [(r["payee_name"], r["amount_fen"]) for r in rows] == [("李二牛", "36000")]
    paid = client.post(f"/api/v1/payrolls/{draft['id']}/bank-results", data={
        "file": (io.BytesIO(results_csv((rows[0]["line_ref"], "paid", "36000", ""))), "results.csv")},
        headers=labour, content_type="multipart/form-data")
    assert paid.get_json() == {"paid": 1, "failed": 0, "unchanged": 0}

    slips = client.get(f"/api/v1/me/payslips?project_id={s.project_id}", headers=worker).get_json()["items"]
    assert [(x["month"], x["net_fen"], x["status"], x["payment_status"]) for x in slips] == [
        (month, 36000, "confirmed", "paid")]
    assert client.get(f"/api/v1/payslips/{slips[0]['id']}", headers=s.headers["other_leader"]).status_code == 404
