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


def test_demo_login_with_both_payroll_roles_meets_the_self_approval_rule(app, client) -> None:
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    dual, approver = login(client, "demo-payroll-approver"), login(client, "demo-approver")
    roles = {m["role"] for m in client.get("/api/v1/me", headers=dual).get_json()["memberships"]}
    assert {"labour_manager", "payroll_approver"} <= roles
    project_id = client.get("/api/v1/join/DEMO01", headers=dual).get_json()["project_id"]
    from services.days import business_day

    month = business_day().strftime("%Y-%m")
    draft = client.post(f"/api/v1/projects/{project_id}/payrolls", json={"month": month}, headers=dual).get_json()
    blocked = sorted({b["user_id"] for b in draft["blockers"]})
    if blocked:  # the demo's current month is not confirmed yet: defer them all in one call
        draft = client.post(f"/api/v1/payrolls/{draft['id']}/deferrals",
                            json={"user_ids": blocked, "reason": "演示：下月发放"}, headers=dual).get_json()
    assert draft["blockers"] == []
    assert client.post(f"/api/v1/payrolls/{draft['id']}/submit", headers=dual).status_code == 200
    own = client.post(f"/api/v1/payrolls/{draft['id']}/approve", headers=dual)
    assert own.status_code == 403 and own.get_json()["error"]["code"] == "PAYROLL_SELF_APPROVAL"
    assert client.post(f"/api/v1/payrolls/{draft['id']}/approve", headers=approver).status_code == 200
