"""HTTP: a month's draft from confirmed days only, blockers listed, wage types in exact fen."""

from __future__ import annotations

from sqlalchemy import select, update

from models import Membership, Role, User, WorkerProfile, db
from tests.payroll.conftest import (
    PayrollSite,
    confirm,
    error,
    issue_and_confirm,
    make_signed_contract,
    make_unconfirmed_day,
)


def build(client, site: PayrollSite, month: str | None = None):
    return client.post(f"/api/v1/projects/{site.project_id}/payrolls", json={"month": month or site.month},
                       headers=site.headers["labour"])


def lines_by_user(client, site: PayrollSite, payroll_id: int, who: str = "labour") -> dict[int, dict]:
    body = client.get(f"/api/v1/payrolls/{payroll_id}?limit=100", headers=site.headers[who]).get_json()
    return {line["user_id"]: line for line in body["lines"]}


def test_draft_from_confirmed_days_only_with_blockers(app, client, psite) -> None:
    s = psite
    for n in (1, 2, 3):
        confirm(client, s, s.day(n), w1=("present", 480), w2=("present", 480), w3=("present", 480))
    confirm(client, s, s.day(4), w1=("half", 240))
    with app.app_context():
        make_unconfirmed_day(s, "w2", s.day(5))  # clocked, not yet confirmed by the leader
        make_unconfirmed_day(s, "w1", s.day(6))
        db.session.execute(update(WorkerProfile).where(WorkerProfile.user_id == s.users["w3"])
                           .values(bank_card_enc=None, bank_card_last4=None))
        db.session.commit()
    confirm(client, s, s.day(7), w4=("present", 480))
    disputed = client.post(f"/api/v1/me/attendance/{s.day(7).isoformat()}/disputes",
                           json={"project_id": s.project_id, "reason": "我那天加班到九点"}, headers=s.headers["w4"])
    assert disputed.status_code == 201, disputed.get_json()

    resp = build(client, s)
    assert resp.status_code == 201, resp.get_json()
    draft = resp.get_json()
    assert draft["status"] == "draft"
    codes = {(b["code"], b["user_id"]) for b in draft["blockers"]}
    assert codes == {("DAYS_UNCONFIRMED", s.users["w1"]), ("DAYS_UNCONFIRMED", s.users["w2"]),
                     ("BANK_CARD_MISSING", s.users["w3"]), ("DISPUTE_OPEN", s.users["w4"])}
    unconfirmed = next(b for b in draft["blockers"] if b["user_id"] == s.users["w2"])
    assert unconfirmed["dates"] == [s.day(5).isoformat()] and unconfirmed["name_masked"] == "李**"

    lines = lines_by_user(client, s, draft["id"])
    # confirmed days only: the unconfirmed sixth day of w1 is not paid
    assert (lines[s.users["w1"]]["days"], lines[s.users["w1"]]["gross_fen"]) == (3.5, 126000)
    assert (lines[s.users["w2"]]["days"], lines[s.users["w2"]]["net_fen"]) == (3.0, 90000)
    first = lines[s.users["w1"]]
    assert first["name_masked"] == "王**" and first["bank_card_masked"].endswith(first["bank_card_masked"][-4:])
    assert set(first) >= {"id", "user_id", "days", "gross_fen", "deductions_fen", "net_fen"}

    refused = client.post(f"/api/v1/payrolls/{draft['id']}/submit", headers=s.headers["labour"])
    assert refused.status_code == 409 and error(refused)["code"] == "PAYROLL_BLOCKED"
    assert len(error(refused)["details"]["blockers"]) == 4

    # posting again rebuilds the same draft, deterministically
    again = build(client, s).get_json()
    assert again["id"] == draft["id"] and again["blockers"] == draft["blockers"]
    assert lines_by_user(client, s, draft["id"]) == lines

    # blockers clear when resolved or when the worker is deferred with a reason
    confirm(client, s, s.day(6), w1=("present", 480))
    dispute_id = next(b["dispute_id"] for b in draft["blockers"] if b["code"] == "DISPUTE_OPEN")
    resolved = client.post(f"/api/v1/disputes/{dispute_id}/resolve", json={"resolution": "已核实，按8小时"},
                           headers=s.headers["leader"])
    assert resolved.status_code == 200, resolved.get_json()
    for who in ("w2", "w3"):
        resp = client.post(f"/api/v1/payrolls/{draft['id']}/deferrals", json={"user_id": s.users[who],
                           "reason": "待补卡与确认，下月一并发放"}, headers=s.headers["labour"])
        assert resp.status_code == 200, resp.get_json()
    rebuilt = build(client, s).get_json()
    assert rebuilt["blockers"] == [] and rebuilt["line_count"] == 2
    assert lines_by_user(client, s, draft["id"])[s.users["w1"]]["gross_fen"] == 162000
    issue_and_confirm(client, s, draft["id"])
    submitted = client.post(f"/api/v1/payrolls/{draft['id']}/submit", headers=s.headers["labour"])
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "submitted"
    assert error(build(client, s))["code"] == "PAYROLL_NOT_DRAFT"


def test_day_half_piece_monthly_overtime_and_deductions_in_exact_fen(app, client, psite) -> None:
    s = psite
    with app.app_context():
        for who, wage_type, amount in (("w3", "piece", 1234), ("w4", "month", 650000)):
            membership = db.session.execute(select(Membership).where(
                Membership.user_id == s.users[who], Membership.role == Role.WORKER.value)).scalar_one()
            make_signed_contract(db.session.get(User, s.users[who]),
                                 membership, wage_type=wage_type, amount_fen=amount)
        db.session.commit()
    # w1 (day, 360.00): 2 full days, one of them 600 minutes; 1 half day
    confirm(client, s, s.day(1), w1=("present", 600), w4=("present", 480))
    confirm(client, s, s.day(2), w1=("present", 480), w4=("present", 480))
    confirm(client, s, s.day(3), w1=("half", 240), w4=("half", 240))
    # w2 (day, 300.00): one day, then an advance larger than the pay
    confirm(client, s, s.day(4), w2=("present", 480))
    for body in ({"user_id": s.users["w1"], "kind": "advance", "amount_fen": 5001, "reason": "生活费借支"},
                 {"user_id": s.users["w2"], "kind": "advance", "amount_fen": 20000, "reason": "借支"},
                 {"user_id": s.users["w2"], "kind": "court_order", "amount_fen": 50000, "reason": "代扣抚养费",
                  "basis": "（2026）粤0305民初123号民事判决"}):
        resp = client.post(f"/api/v1/projects/{s.project_id}/payroll-deductions", json={**body, "month": s.month},
                           headers=s.headers["labour"])
        assert resp.status_code == 201, resp.get_json()
    # w3 (piece, 12.34 per unit): 2.5 + 1.333 confirmed; 7 more entered but not confirmed
    entered = []
    for qty in (2.5, 1.333, 7):
        resp = client.post(f"/api/v1/teams/{s.team_id}/piece-work", json={
            "user_id": s.users["w3"], "date": s.day(5).isoformat(), "item": "钢筋绑扎（吨）", "quantity": qty},
            headers=s.headers["leader"])
        assert resp.status_code == 201, resp.get_json()
        entered.append(resp.get_json()["id"])
    assert client.post(f"/api/v1/piece-work/{entered[0]}/confirm", headers=s.headers["w4"]).status_code == 404
    for piece_id in entered[:2]:
        assert client.post(f"/api/v1/piece-work/{piece_id}/confirm", headers=s.headers["w3"]).status_code == 200

    draft = build(client, s).get_json()
    assert [(b["code"], b["user_id"], b["count"]) for b in draft["blockers"]] == [
        ("PIECE_UNCONFIRMED", s.users["w3"], 1)]
    lines = lines_by_user(client, s, draft["id"])
    w1 = lines[s.users["w1"]]
    # 360.00 × 2.5 days = 900.00; overtime 120 min × 150% × 360.00 / 480 min = 135.00
    assert (w1["days"], w1["base_fen"], w1["overtime_minutes"], w1["overtime_fen"]) == (2.5, 90000, 120, 13500)
    assert (w1["gross_fen"], w1["deductions_fen"], w1["net_fen"]) == (103500, 5001, 98499)
    w2 = lines[s.users["w2"]]
    assert (w2["gross_fen"], w2["deductions_fen"], w2["net_fen"]) == (30000, 30000, 0)
    assert [d["applied_fen"] for d in w2["deductions"]] == [20000, 10000]
    w3 = lines[s.users["w3"]]
    # 12.34 × 3.833 = 47.29922 → 47.30 (rounded once, half up)
    assert (w3["wage_type"], w3["piece_quantity"], w3["gross_fen"]) == ("piece", 3.833, 4730)
    w4 = lines[s.users["w4"]]
    # 6500.00 × 2.5 / 21.75 = 747.126... → 747.13
    assert (w4["wage_type"], w4["days"], w4["gross_fen"]) == ("month", 2.5, 74713)

    rules = client.put(f"/api/v1/projects/{s.project_id}/payroll-rules",
                       json={"overtime_after_minutes": 540, "overtime_percent": 200}, headers=s.headers["labour"])
    assert rules.status_code == 200
    lines = lines_by_user(client, s, build(client, s).get_json()["id"])
    # 60 min over 540 at 200%: 360.00 × 60 × 2 / 480 = 90.00
    assert (lines[s.users["w1"]]["overtime_minutes"], lines[s.users["w1"]]["overtime_fen"]) == (60, 9000)


def test_future_month_refused_and_current_month_settles_early(app, client, psite) -> None:
    from services.attendance.locks import month_of
    from services.days import business_day

    s = psite
    assert error(build(client, s, "2099-01"))["code"] == "MONTH_IN_FUTURE"
    today = business_day()
    confirm(client, s, today, w1=("present", 480))
    current = build(client, s, month_of(today))
    assert current.status_code == 201
    assert lines_by_user(client, s, current.get_json()["id"])[s.users["w1"]]["gross_fen"] == 36000
    # only the labour manager prepares
    for who in ("leader", "w1", "approver", "supervisor"):
        resp = client.post(f"/api/v1/projects/{s.project_id}/payrolls", json={"month": s.month},
                           headers=s.headers[who])
        assert resp.status_code == 403, who
