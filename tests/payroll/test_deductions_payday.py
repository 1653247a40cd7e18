"""HTTP and pure: only lawful deductions (《工资支付暂行规定》§15–16) and the pay day moved before
rest days and holidays (§7, with China's adjusted working days)."""

from __future__ import annotations

from datetime import date

from services.payroll import payday
from tests.payroll.conftest import confirm, error, issue_and_confirm


def deduct(client, s, who: str, **body):
    return client.post(f"/api/v1/projects/{s.project_id}/payroll-deductions",
                       json={"user_id": s.users[who], "month": s.month, **body}, headers=s.headers["labour"])


def test_only_lawful_deductions_within_the_damages_limits(client, psite) -> None:
    s = psite
    confirm(client, s, s.day(1), w1=("present", 480))
    confirm(client, s, s.day(2), w1=("present", 480))  # w1: 2 days × 360.00 = 720.00 this month
    fine = deduct(client, s, "w1", kind="fine", amount_fen=1000, reason="迟到罚款")
    assert fine.status_code == 422 and error(fine)["code"] == "VALIDATION_FAILED"  # no fine kind at all
    no_basis = deduct(client, s, "w1", kind="damages", amount_fen=1000, reason="损坏工具")
    assert error(no_basis)["code"] == "DEDUCTION_KIND_INVALID"
    unset = deduct(client, s, "w1", kind="damages", amount_fen=1000, reason="损坏工具", basis="劳动合同第八条")
    assert error(unset)["code"] == "MINIMUM_WAGE_UNSET"
    rules = client.put(f"/api/v1/projects/{s.project_id}/payroll-rules", json={
        "overtime_after_minutes": 480, "overtime_percent": 150, "minimum_wage_fen": 300000},
        headers=s.headers["labour"])
    assert rules.status_code == 200 and rules.get_json()["minimum_wage_fen"] == 300000

    # 20 % of 720.00 is 144.00
    over = deduct(client, s, "w1", kind="damages", amount_fen=14401, reason="损坏工具", basis="劳动合同第八条")
    assert over.status_code == 422 and error(over)["code"] == "DEDUCTION_OVER_LIMIT"
    assert (error(over)["details"]["limit"], error(over)["details"]["max_fen"]) == ("damages_20_percent", 14400)
    # an advance of 500.00 leaves 220.00, below the minimum for 2 days (3000.00 × 2 / 21.75 = 275.86): no damages
    assert deduct(client, s, "w1", kind="advance", amount_fen=50000, reason="生活费借支").status_code == 201
    low = deduct(client, s, "w1", kind="damages", amount_fen=9000, reason="损坏工具", basis="劳动合同第八条")
    assert low.status_code == 422 and error(low)["code"] == "DEDUCTION_OVER_LIMIT"
    assert (error(low)["details"]["limit"], error(low)["details"]["minimum_fen"], error(low)["details"]["max_fen"]) == (
        "minimum_wage", 27586, 0)
    court = deduct(client, s, "w1", kind="court_order", amount_fen=1000, reason="代扣抚养费",
                   basis="（2026）粤0305民初123号")
    assert court.status_code == 201 and court.get_json()["basis"] == "（2026）粤0305民初123号"

    payroll_id = client.post(f"/api/v1/projects/{s.project_id}/payrolls", json={"month": s.month},
                             headers=s.headers["labour"]).get_json()["id"]
    slips = issue_and_confirm(client, s, payroll_id, skip=("w1",))
    slip = client.get(f"/api/v1/payslips/{slips['w1']}", headers=s.headers["w1"]).get_json()
    assert [(d["kind"], d["reason"], d["basis"], d["applied_fen"]) for d in slip["deductions"]] == [
        ("advance", "生活费借支", None, 50000), ("court_order", "代扣抚养费", "（2026）粤0305民初123号", 1000)]
    assert slip["net_fen"] == 72000 - 51000


def test_minimum_wage_is_prorated_by_the_documented_rule() -> None:
    from services.payroll import rules

    assert rules.minimum_for(300000, 2 * 2) == 27586  # 3000.00 × 2 / 21.75
    assert rules.minimum_for(300000, 2 * 30) == 300000  # never more than the month
    # damages: 20 % and the minimum wage, whichever is lower; never negative
    assert rules.damages_room(72000, 0, 0, 27586) == 14400
    assert rules.damages_room(72000, 50000, 0, 27586) == 0
    applied = rules.apply_deductions(72000, [rules.Deduction("damages", "x", 20000, "合同")], 27586)
    assert applied[1] == 14400  # inputs that moved later are capped, not taken in full


def test_pay_day_on_a_holiday_moves_to_the_working_day_before_it() -> None:
    # Golden Week 2025: 1–8 October are holidays; Sunday 28 September was an adjusted working day
    assert payday.pay_date("2025-09", 5) == date(2025, 9, 30)
    assert payday.moved_before(date(2025, 10, 8)) == date(2025, 9, 30)
    assert payday.is_working_day(date(2025, 9, 28))  # a Sunday worked in exchange (调休)
    # Golden Week 2026 (1–7 October): the 5th moves to Wednesday 30 September
    assert payday.pay_date("2026-09", 5) == date(2026, 9, 30)
    # a Saturday moves to the Friday; a working day stays
    assert payday.pay_date("2026-10", 14) == date(2026, 11, 13)
    assert payday.pay_date("2026-11", 15) == date(2026, 12, 15)
    # day 31 in a 30-day month: the month's last day (then moved if need be)
    assert payday.pay_date("2026-08", 31) == date(2026, 9, 30)
