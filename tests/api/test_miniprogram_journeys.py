"""Every phone journey through a client that can do only what WeChat's runtime does
(tests/wx_runtime.py): wx.request without PATCH, wx.uploadFile with one file and string fields
and no response headers, wx.downloadFile + wx.openDocument, <image src> without headers,
absolute https URLs only. Against the seeded demo, on SQLite and on MariaDB + Redis + RQ."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from services.enrollment import rules
from tests.api.test_contracts import signature_png
from tests.conftest import drain_jobs
from tests.faces.photos import face_bytes
from tests.factories import id_number, years_ago
from tests.wx_runtime import BASE, NotPossibleInWeChat, Phone, WxRuntime

pytestmark = pytest.mark.slow

CENTER = (22.543096, 114.057865)  # services/demo.py GEOFENCE
SAME_PERSON = ("img20.jpg", "img21.jpg")  # ../shared/faces/pairs.csv: one person
SOMEONE_ELSE = "img16.jpg"


def near_center() -> dict[str, float]:
    return {"lat": round(CENTER[0] + random.uniform(-2e-4, 2e-4), 7),
            "lng": round(CENTER[1] + random.uniform(-2e-4, 2e-4), 7), "accuracy_m": 18}


@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


def phone(app, client, code: str) -> Phone:
    def jobs_run() -> None:
        with app.app_context():
            drain_jobs(app)

    p = Phone(WxRuntime(client), between_polls=jobs_run)
    p.login(code)
    return p


def face_check(p: Phone, kind: str, photo: str, project_id: int | None = None) -> dict:
    """wx.uploadFile, one frame: 202 with an absolute poll_url and retry_after in the body (no headers)."""
    form = {"kind": kind, **({"project_id": str(project_id)} if project_id else {})}
    body = p.upload("/faces/checks", "frames", face_bytes(photo), "jpg", form, expect=202)
    assert body["poll_url"].startswith(f"{BASE}/api/v1/faces/checks/") and body["retry_after"] >= 1
    assert body["replayed"] is False
    return body


def clock(p: Phone, project_id: int, photo: str, direction: str) -> dict:
    check = face_check(p, "clock", photo, project_id)
    res = p.call("POST", "/attendance/clocks", {
        "project_id": project_id, "face_check_id": check["check_id"], **near_center(), "direction": direction,
        "taken_at": datetime.now(UTC).isoformat(), "device_id": "journey-phone"}, expect=202)
    assert res.data["poll_url"] == f"{BASE}/api/v1/attendance/clocks/{res.data['id']}"
    assert res.header["Retry-After"] == str(res.data["retry_after"])
    return p.poll(res.data["poll_url"], done=lambda c: c["status"] != "pending")


def test_worker_leader_labour_manager_and_approver_journeys(app, client, demo) -> None:
    # ------------------------------------------------------------------ worker: from scan to the gate
    worker = phone(app, client, "fake:journey-worker")
    assert worker.call("POST", "/me/phone", {"code": "fake-phone:13700137000"}).data["phone_masked"] == "137****7000"
    for item in worker.call("GET", "/consents/current").data["items"]:
        worker.call("POST", "/me/consents", {"kind": item["kind"], "version": item["version"]}, expect=201)
    worker.call("PUT", "/me/profile", {
        "name": "马小路", "id_number": id_number(years_ago(32, 40), seq=7), "bank_card": "6222020200112233446",
        "bank_name": "中国建设银行", "trade": "钢筋工", "address": "四川省广安市岳池县九龙镇 12 号",
        "emergency_contact": {"name": "马家属", "phone": "13900139000", "relationship": "配偶"}})
    preview = worker.call("GET", "/join/DEMO01").data
    project_id, team_id = preview["project_id"], preview["teams"][0]["id"]
    membership_id = worker.call("POST", "/projects/join", {"join_code": "DEMO01", "team_id": team_id},
                                expect=201).data["membership_id"]
    enrolled = face_check(worker, "enroll", SAME_PERSON[0])
    assert worker.poll(enrolled["poll_url"], done=lambda c: c["status"] != "pending")["status"] == "passed"

    # ------------------------------------------------------------------ labour manager: review, training
    labour = phone(app, client, "fake:demo-payroll")
    pending = labour.call("GET", f"/projects/{project_id}/enrollments", {"status": "pending"}).data["items"]
    assert membership_id in [e["id"] for e in pending]
    worker_id = worker.call("GET", "/me").data["id"]
    for level, hours in rules.DEFAULTS.training_hours.items():
        labour.call("POST", f"/projects/{project_id}/workers/{worker_id}/trainings",
                    {"level": level, "hours": hours, "date": datetime.now(UTC).date().isoformat(),
                     "note": "入场教育"}, expect=201)
    labour.upload(f"/projects/{project_id}/workers/{worker_id}/identity-verifications", "document_photo",
                  face_bytes(SAME_PERSON[0]), "jpg", {"method": "on_site", "note": "核对身份证原件，人证一致"}, expect=201)
    labour.call("POST", f"/enrollments/{membership_id}/approve")

    # ------------------------------------------------------------------ worker: the contract, in two calls
    contract_id = worker.call("GET", "/me/contracts").data["items"][0]["id"]
    pdf = worker.wx.download_file(f"{BASE}/api/v1/contracts/{contract_id}/pdf", worker.auth())
    assert pdf.statusCode == 200 and worker.wx.open_document(pdf.tempFilePath, "pdf")
    selfie = face_check(worker, "contract", SAME_PERSON[1], project_id)
    signing = worker.upload(f"/contracts/{contract_id}/sign", "signature", signature_png(), "png",
                            {"face_check_id": str(selfie["check_id"])}, expect=202)
    assert signing["poll_url"] == selfie["poll_url"] and signing["status"] in ("signing", "worker_signed")
    assert worker.poll(signing["poll_url"], done=lambda c: c["status"] != "pending")["status"] == "passed"
    assert worker.call("GET", f"/contracts/{contract_id}").data["status"] == "worker_signed"
    # the employer's signatory (the team's company: the labour subcontractor) signs too: then in force
    signatory = phone(app, client, "fake:demo-signatory")
    signatory.upload(f"/contracts/{contract_id}/employer-sign", "signature", signature_png(), "png", {}, expect=200)
    contract = worker.call("GET", f"/contracts/{contract_id}").data
    assert contract["status"] == "signed"
    assert worker.wx.image(contract["signature_url"])[0] == 200  # <image src>: no token sent
    gate = worker.call("GET", f"/me/projects/{project_id}/gate").data
    assert gate["may_clock_in"] is True, gate

    # ------------------------------------------------------------------ worker: clock in and out, the day, a dispute
    # two failed face clocks first (someone else's face; a failure never swallows a later clock):
    # later the leader may witness one for this worker
    for _ in range(2):
        assert clock(worker, project_id, SOMEONE_ELSE, "in")["status"] in ("rejected", "retry")
    clock_in = clock(worker, project_id, SAME_PERSON[0], "in")
    assert clock_in["status"] == "accepted", clock_in
    assert clock(worker, project_id, SAME_PERSON[1], "out")["status"] in ("accepted", "flagged")
    day = clock_in["date"]
    month = worker.call("GET", "/me/attendance", {"project_id": project_id, "month": day[:7]}).data
    assert day in [d["date"] for d in month["items"]]
    dispute = worker.call("POST", f"/me/attendance/{day}/disputes",
                          {"project_id": project_id, "reason": "下午加班两小时未计入"}, expect=201).data

    # ------------------------------------------------------------------ team leader: witness, day, photo, confirm
    leader = phone(app, client, "fake:demo-leader")
    leader.call("POST", f"/teams/{team_id}/witnessed-clocks", {
        "user_id": worker_id, "direction": "in", **near_center(), "taken_at": datetime.now(UTC).isoformat(),
        "note": "人脸识别两次失败，本人在场"}, expect=201)
    team_day = leader.call("GET", f"/teams/{team_id}/days/{day}").data
    mine = next(i for i in team_day["items"] if i["user_id"] == worker_id)
    photo_url = next(c["photo_url"] for c in mine["clocks"] if c["photo_url"])
    assert photo_url.startswith(f"{BASE}/api/v1/media/clock-photo/") and "Bearer" not in photo_url
    status, image = leader.wx.image(photo_url)
    assert status == 200 and image[:2] in (b"\xff\xd8", b"\x89P")
    assert leader.wx.image(photo_url.replace(f"v={leader_id(leader)}", f"v={worker_id}"))[0] == 403
    leader.call("POST", f"/teams/{team_id}/days/{day}/confirm", {"user_ids": [worker_id], "corrections": [
        {"user_id": worker_id, "status": "present", "worked_minutes": 600, "reason": "下午加班两小时，已核实"}]})
    leader.call("POST", f"/disputes/{dispute['id']}/resolve", {"resolution": "已按加班两小时更正"})

    # ------------------------------------------------------------------ labour manager: team change by PUT, payroll
    admin = phone(app, client, "fake:demo-admin")
    assert admin.call("PUT", f"/projects/{project_id}", {"liveness_mode": "passive"}).data["liveness_mode"] == "passive"
    new_team = labour.call("POST", f"/projects/{project_id}/teams",
                           {"name": "幕墙班", "default_day_wage_fen": 38000}, expect=201).data
    assert labour.call("PUT", f"/teams/{new_team['id']}", {"default_day_wage_fen": 39000}
                       ).data["default_day_wage_fen"] == 39000
    crew = [m for m in labour.call("GET", f"/projects/{project_id}/members", {"limit": 100}).data["items"]
            if m["role"] == "worker" and m["user_id"] != worker_id]
    moved = labour.call("PUT", f"/projects/{project_id}/members/{crew[0]['user_id']}", {"team_id": new_team["id"]})
    assert moved.data["team_id"] == new_team["id"]
    with pytest.raises(NotPossibleInWeChat):
        labour.call("PATCH", f"/teams/{new_team['id']}", {"name": "幕墙二班"})

    # the demo's subcontractor payroll of this month is submitted already: the labour manager sends it back,
    # the subcontractor's clerk rebuilds it (now with the journey worker), sends the slips, the worker signs
    clerk = phone(app, client, "fake:demo-clerk")
    payrolls = labour.call("GET", f"/projects/{project_id}/payrolls").data["items"]
    current = next(p for p in payrolls if p["month"] == day[:7] and p["status"] == "submitted")
    labour.call("POST", f"/payrolls/{current['id']}/reject", {"reason": "新进场工人未计入，请重新编制"})
    payroll = clerk.call("POST", f"/projects/{project_id}/payrolls",
                         {"month": day[:7], "company_id": current["company_id"]}, expect=201).data
    assert worker_id not in {b["user_id"] for b in payroll["blockers"]}, payroll["blockers"]
    blocked = sorted({b["user_id"] for b in payroll["blockers"]})
    if blocked:  # several at once
        payroll = clerk.call("POST", f"/payrolls/{payroll['id']}/deferrals",
                             {"user_ids": blocked, "reason": "考勤待确认，顺延下月"}).data
    assert payroll["blockers"] == []
    clerk.call("POST", f"/payrolls/{payroll['id']}/issue-slips")
    lines = clerk.call("GET", f"/payrolls/{payroll['id']}", {"limit": 100}).data["lines"]
    for line in lines:  # the others are not this test's: held for the supplementary payroll
        if line["user_id"] != worker_id and line.get("slip_status") not in ("confirmed", "released", "held"):
            clerk.call("POST", f"/payrolls/{payroll['id']}/lines/{line['id']}/hold", {"reason": "待本人确认"})

    # ------------------------------------------------------------------ worker: the pay slip, signed (before submission)
    slips = worker.call("GET", "/me/payslips", {"project_id": project_id}).data["items"]
    slip = worker.call("GET", f"/payslips/{slips[0]['id']}").data
    assert slip["signature_url"] is None and slip["status"] == "to_confirm"
    key = "journey-sign-slip"
    signed = worker.upload(f"/payslips/{slip['id']}/confirm", "signature", signature_png(), "png", expect=200, key=key)
    assert signed["status"] == "confirmed" and signed["replayed"] is False
    # a resend over a bad network: the same answer, and the body says it is a replay (no headers on uploads)
    again = worker.upload(f"/payslips/{slip['id']}/confirm", "signature", signature_png(), "png", expect=200, key=key)
    assert again["replayed"] is True and again["id"] == signed["id"]
    assert worker.wx.image(signed["signature_url"])[0] == 200

    clerk.call("POST", f"/payrolls/{payroll['id']}/submit")
    labour.call("POST", f"/payrolls/{payroll['id']}/review")

    # ------------------------------------------------------------------ approver
    approver = phone(app, client, "fake:demo-approver")
    assert approver.call("POST", f"/payrolls/{payroll['id']}/approve").data["status"] == "approved"

    # ------------------------------------------------------------------ labour manager: bank file (xlsx), results
    sheet = labour.wx.download_file(f"{BASE}/api/v1/payrolls/{payroll['id']}/bank-file.xlsx", labour.auth())
    assert sheet.statusCode == 200
    with pytest.raises(NotPossibleInWeChat):
        labour.wx.open_document(sheet.tempFilePath, "csv")
    rows = list(load_workbook(io.BytesIO(labour.wx.open_document(sheet.tempFilePath, "xlsx"))).active.values)
    header, lines = rows[0], rows[1:]
    assert lines, "the journey worker's line is in the bank file"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["line_ref", "status", "amount_fen", "reason"])
    for line in lines:
        row = dict(zip(header, line, strict=True))
        writer.writerow([row["line_ref"], "paid", row["amount_fen"], ""])
    results = labour.upload(f"/payrolls/{payroll['id']}/bank-results", "file", out.getvalue().encode(), "csv",
                            expect=200)
    assert results["paid"] == len(lines) and results["replayed"] is False

    # ------------------------------------------------------------------ worker: paid
    assert worker.call("GET", f"/payslips/{slip['id']}").data["payment_status"] == "paid"


def leader_id(p: Phone) -> int:
    return p.call("GET", "/me").data["id"]


def test_upload_errors_carry_the_request_id_in_the_body(app, client, demo) -> None:
    worker = phone(app, client, "fake:journey-errors")
    body = worker.upload("/faces/checks", "frames", b"not an image", "jpg", {"kind": "bogus"}, expect=422)
    assert body["error"]["code"] == "VALIDATION_FAILED" and len(body["error"]["request_id"]) >= 8
