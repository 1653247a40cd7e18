"""`flask seed-demo` leaves payroll in the law's order, a month in each state: the subcontractor's
last month approved and partly paid, its current month submitted (waiting for review), the
general contractor's last month confirming."""

from __future__ import annotations

from tests.factories import login


def test_demo_months_in_each_state(app, client) -> None:
    runner = app.test_cli_runner()
    for _ in range(2):  # seeding twice changes nothing
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
    worker = login(client, "demo-worker1")
    slips = client.get("/api/v1/me/payslips", headers=worker).get_json()["items"]
    assert sorted((x["status"], x["payment_status"]) for x in slips) == [("confirmed", "paid"), ("confirmed", "unpaid")]
    labour, clerk = login(client, "demo-payroll"), login(client, "demo-clerk")
    project_id = slips[0]["project_id"]
    listed = client.get(f"/api/v1/projects/{project_id}/payrolls", headers=labour).get_json()["items"]
    states = sorted((p["needs_review"], p["status"]) for p in listed)
    assert states == [(False, "draft"), (True, "approved"), (True, "submitted")]
    approved = next(p for p in listed if p["status"] == "approved")
    lines = client.get(f"/api/v1/payrolls/{approved['id']}", headers=labour).get_json()["lines"]
    statuses = [x["payment_status"] for x in lines]
    assert statuses.count("paid") == 2 and "issued" in statuses  # partly paid
    assert {x["slip_status"] for x in lines} == {"confirmed"}  # every slip signed before submission
    confirming = next(p for p in listed if p["status"] == "draft")
    gc_lines = client.get(f"/api/v1/payrolls/{confirming['id']}", headers=labour).get_json()["lines"]
    assert [x["slip_status"] for x in gc_lines] == ["to_confirm"]
    # the clerk sees its company's payrolls, not the general contractor's
    assert client.get(f"/api/v1/payrolls/{approved['id']}", headers=clerk).status_code == 200
    assert client.get(f"/api/v1/payrolls/{confirming['id']}", headers=clerk).status_code == 403
    mine = client.get(f"/api/v1/projects/{project_id}/payrolls", headers=clerk).get_json()["items"]
    assert sorted(p["status"] for p in mine) == ["approved", "submitted"]
    sheet = client.get(f"/api/v1/payrolls/{approved['id']}/wage-sheet.pdf", headers=labour)
    assert sheet.status_code == 200 and sheet.mimetype == "application/pdf"
    voucher = client.get(f"/api/v1/payrolls/{approved['id']}/voucher.pdf", headers=clerk)
    assert voucher.status_code == 200 and voucher.mimetype == "application/pdf"
