"""Every role's allowed and refused payroll actions, one table per action (outsiders 404)."""

from __future__ import annotations

from tests.api.test_org_authz import OVERSIGHT, check, expect, run, world  # noqa: F401
from tests.payroll.conftest import last_month


def test_payroll_actions_by_role(client, world) -> None:  # noqa: F811
    w, month = world, last_month()
    base = f"/api/v1/projects/{w.project_id}"
    check(run(client, w, "POST", f"{base}/payrolls", lambda _r: {"month": month}), expect({"labour_manager"}))
    check(run(client, w, "GET", f"{base}/payrolls"), expect(OVERSIGHT))
    check(run(client, w, "GET", f"{base}/payroll-rules"), expect(OVERSIGHT))
    check(run(client, w, "PUT", f"{base}/payroll-rules",
              lambda _r: {"overtime_after_minutes": 480, "overtime_percent": 150}), expect({"labour_manager"}))
    check(run(client, w, "POST", f"{base}/payroll-deductions", lambda _r: {
        "user_id": w.users["worker_a"], "month": month, "kind": "advance", "amount_fen": 100, "reason": "借支"}),
        expect({"labour_manager"}))
    check(run(client, w, "POST", f"/api/v1/teams/{w.team_a}/piece-work", lambda _r: {
        "user_id": w.users["worker_a"], "date": f"{month}-02", "item": "绑扎", "quantity": 1}),
        expect({"labour_manager", "leader_a"}))

    payroll_id = client.get(f"{base}/payrolls", headers=w.headers["labour_manager"]).get_json()["items"][0]["id"]
    url = f"/api/v1/payrolls/{payroll_id}"
    check(run(client, w, "GET", url), expect(OVERSIGHT))
    check(run(client, w, "GET", f"{url}/wage-sheet.xlsx"), expect({"labour_manager", "payroll_approver"}))
    # the piece-work entered above is not confirmed: rebuild, defer that worker, then submit
    client.post(f"{base}/payrolls", json={"month": month}, headers=w.headers["labour_manager"])
    resp = client.post(f"{url}/deferrals", json={"user_id": w.users["worker_a"], "reason": "计件待确认"},
                       headers=w.headers["labour_manager"])
    assert resp.status_code == 200, resp.get_json()
    check(run(client, w, "POST", f"{url}/issue-slips"), expect({"labour_manager"}))
    check(run(client, w, "GET", f"{base}/exports/wage-ledger.xlsx?from={month}&to={month}"),
          expect({"labour_manager", "admin"}))
    submitted = run(client, w, "POST", f"{url}/submit")
    check(submitted, expect({"labour_manager"}))
    approved = run(client, w, "POST", f"{url}/approve")
    check(approved, {**expect({"payroll_approver"}), "labour_manager": 403})
    check(run(client, w, "GET", f"{url}/bank-file"), expect({"labour_manager"}))
