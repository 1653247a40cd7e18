"""`flask seed-demo` leaves an approved, partly paid month a newcomer can look at."""

from __future__ import annotations

from tests.factories import login


def test_demo_month_is_approved_partly_paid_and_signed(app, client) -> None:
    runner = app.test_cli_runner()
    for _ in range(2):  # seeding twice changes nothing
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
    worker = login(client, "demo-worker1")
    slips = client.get("/api/v1/me/payslips", headers=worker).get_json()["items"]
    assert [(x["status"], x["payment_status"]) for x in slips] == [("confirmed", "paid")]
    labour = login(client, "demo-payroll")
    project_id = slips[0]["project_id"]
    listed = client.get(f"/api/v1/projects/{project_id}/payrolls", headers=labour).get_json()["items"]
    assert [p["status"] for p in listed] == ["approved"]
    lines = client.get(f"/api/v1/payrolls/{listed[0]['id']}", headers=labour).get_json()["lines"]
    statuses = [x["payment_status"] for x in lines]
    assert statuses.count("paid") == 2 and "issued" in statuses  # partly paid
    sheet = client.get(f"/api/v1/payrolls/{listed[0]['id']}/wage-sheet.pdf", headers=labour)
    assert sheet.status_code == 200 and sheet.mimetype == "application/pdf"
