"""HTTP: the worker's pay slips (read, sign, dispute), the wage sheet, the WeChat notice."""

from __future__ import annotations

import io

import requests
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.api.test_contracts import signature_png
from tests.conftest import drain_jobs
from tests.payroll.conftest import confirm, error
from tests.payroll.test_approval_and_bank import approved, bank_rows, post_results, results_csv


def sign(client, headers, slip_id: int):
    return client.post(f"/api/v1/payslips/{slip_id}/confirm", data={"signature": (io.BytesIO(signature_png()), "s.png")},
                       headers=headers, content_type="multipart/form-data")


def test_worker_reads_and_signs_their_slip_before_submission(app, client, psite) -> None:
    s = psite
    for n in (1, 2):
        confirm(client, s, s.day(n), w1=("present", 480), w2=("present", 480), w3=("half", 240))
    payroll_id = client.post(f"/api/v1/projects/{s.project_id}/payrolls", json={"month": s.month},
                             headers=s.headers["labour"]).get_json()["id"]
    assert client.get("/api/v1/me/payslips", headers=s.headers["w1"]).get_json()["items"] == []  # not yet sent
    assert client.post(f"/api/v1/payrolls/{payroll_id}/issue-slips", headers=s.headers["labour"]).status_code == 200

    mine = client.get(f"/api/v1/me/payslips?project_id={s.project_id}", headers=s.headers["w1"]).get_json()["items"]
    assert [(x["month"], x["net_fen"], x["status"], x["payment_status"]) for x in mine] == [
        (s.month, 72000, "to_confirm", "unpaid")]
    slip_id = mine[0]["id"]
    slip = client.get(f"/api/v1/payslips/{slip_id}", headers=s.headers["w1"]).get_json()
    assert (slip["days"], slip["rate_fen"], slip["gross_fen"], slip["deductions"], slip["net_fen"]) == (
        2.0, 36000, 72000, [], 72000)
    assert [(d["date"], d["counted_days"]) for d in slip["day_list"]] == [
        (s.day(1).isoformat(), 1.0), (s.day(2).isoformat(), 1.0)]
    assert all("班组长确认" in d["why"] for d in slip["day_list"]) and slip["employer"]
    assert slip["bank_card_masked"].startswith("**** **** **** ")
    # someone else's slip does not exist for them
    for who in ("w2", "labour"):
        assert client.get(f"/api/v1/payslips/{slip_id}", headers=s.headers[who]).status_code == 404
        assert error(sign(client, s.headers[who], slip_id))["code"] == "PAYSLIP_NOT_FOUND"
    bad = client.post(f"/api/v1/payslips/{slip_id}/confirm", data={"signature": (io.BytesIO(b"GIF89a"), "s.gif")},
                      headers=s.headers["w1"], content_type="multipart/form-data")
    assert error(bad)["code"] == "SIGNATURE_INVALID"

    signed = sign(client, s.headers["w1"], slip_id)
    assert signed.status_code == 200 and signed.get_json()["status"] == "confirmed"
    assert error(sign(client, s.headers["w1"], slip_id))["code"] == "PAYSLIP_ALREADY_CONFIRMED"
    w2_slip = client.get("/api/v1/me/payslips", headers=s.headers["w2"]).get_json()["items"][0]["id"]
    disputed = client.post(f"/api/v1/payslips/{w2_slip}/dispute", json={"reason": "少算了一天"}, headers=s.headers["w2"])
    assert disputed.status_code == 200 and disputed.get_json()["status"] == "disputed"
    # the dispute is answered by the worker's confirmation after all (nothing to correct): then submitted, paid
    assert sign(client, s.headers["w2"], w2_slip).status_code == 200
    w3_slip = client.get("/api/v1/me/payslips", headers=s.headers["w3"]).get_json()["items"][0]["id"]
    assert sign(client, s.headers["w3"], w3_slip).status_code == 200
    assert client.post(f"/api/v1/payrolls/{payroll_id}/submit", headers=s.headers["labour"]).status_code == 200
    assert error(client.post(f"/api/v1/payslips/{w3_slip}/dispute", json={"reason": "晚了"},
                             headers=s.headers["w3"]))["code"] == "PAYSLIP_ALREADY_CONFIRMED"
    assert client.post(f"/api/v1/payrolls/{payroll_id}/approve", headers=s.headers["approver"]).status_code == 200
    rows = bank_rows(client, s, payroll_id)
    post_results(client, s, payroll_id, results_csv((rows[0]["line_ref"], "paid", rows[0]["amount_fen"], "")))

    sheet = client.get(f"/api/v1/payrolls/{payroll_id}/wage-sheet.xlsx", headers=s.headers["labour"])
    assert sheet.status_code == 200
    ws = load_workbook(io.BytesIO(sheet.data)).active
    values = [tuple(row) for row in ws.iter_rows(values_only=True)]
    assert values[1][:3] == ("序号", "工人编号", "姓名")
    by_name = {row[2]: row for row in values[2:5]}
    assert by_name["王建国"][11] == "720.00" and str(by_name["王建国"][15]).startswith("已签")
    assert str(by_name["李二牛"][15]).startswith("已签") and values[-1][11] == "1620.00"

    pdf = client.get(f"/api/v1/payrolls/{payroll_id}/wage-sheet.pdf", headers=s.headers["approver"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    assert "工资表" in text and "王建国" in text and "1620.00" in text
    assert any(page.images for page in reader.pages)  # the worker's handwritten signature
    # no delete path for a wage sheet
    assert client.delete(f"/api/v1/payrolls/{payroll_id}", headers=s.headers["labour"]).status_code in (404, 405)


def test_subscribe_message_when_the_slip_is_ready(app, client, psite, fake_wechat) -> None:
    s = psite
    for who in ("w1", "w1", "w2"):
        resp = client.post("/api/v1/me/payslip-subscription", headers=s.headers[who])
        assert resp.status_code == 200
    assert resp.get_json() == {"remaining": 1}
    payroll_id = approved(client, s)
    drain_jobs(app, "default")
    messages = requests.get(fake_wechat.base_url + "__fake__/messages", timeout=5).json()["messages"]
    assert sorted(m["touser"] for m in messages) == ["w1", "w2"]  # w3 did not subscribe
    first = next(m for m in messages if m["touser"] == "w1")
    assert first["template_id"] == "siteroll-payslip-ready" and first["data"]["amount3"]["value"] == "720.00元"
    slip_id = client.get("/api/v1/me/payslips", headers=s.headers["w1"]).get_json()["items"][0]["id"]
    assert first["page"] == f"pages/payslip/detail?id={slip_id}"
    # a retried or repeated job sends nothing twice
    from infra import jobs

    with app.app_context():
        jobs.enqueue("workers.payroll.notify_payslips", payroll_id)
        from models import db

        db.session.commit()
    drain_jobs(app, "default")
    assert len(requests.get(fake_wechat.base_url + "__fake__/messages", timeout=5).json()["messages"]) == 2
