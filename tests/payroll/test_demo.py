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
