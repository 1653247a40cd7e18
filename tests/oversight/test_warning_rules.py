"""Every warning rule on data that triggers it and on data that does not."""

from __future__ import annotations

from datetime import date

import pytest

from models import Company, Team, db
from services.oversight import warnings
from tests.factories import make_project, make_team, make_user
from tests.oversight import rows

TODAY = date(2026, 11, 20)


@pytest.fixture
def site(ctx):
    admin = make_user("admin")
    project = make_project(admin)
    leader = make_user("leader")
    team = make_team(admin, project, leader=leader)
    return project, team, admin, leader


def hits(project, rule: str) -> list:
    return [h for h in warnings.compute([project.id], TODAY) if h.rule == rule]


def settled(project, team, admin, user, start: date) -> None:
    """A worker with a contract and full training from ``start``: quiet for the onboarding rule."""
    rows.contract(project, user, team, start)
    rows.trained(project, user, admin, start)


def test_team_hopping(site):
    project, team, admin, _leader = site
    hopper, steady = rows.worker(project, team), rows.worker(project, team)
    others = [make_team(admin, project, name=f"班组{i}") for i in range(2)]
    for i, t in enumerate([team, *others]):
        rows.day(project, hopper, t, rows.days_ago(30 - i * 10, TODAY))
        rows.day(project, steady, team, rows.days_ago(30 - i * 10, TODAY))
    found = hits(project, "TEAM_HOPPING")
    assert [h.subject_key for h in found] == [f"user:{hopper.id}"]
    assert found[0].evidence["teams"] == 3 and found[0].since == rows.days_ago(30, TODAY)


def test_long_absence(site):
    project, team, _admin, _leader = site
    gone, here = rows.worker(project, team), rows.worker(project, team)
    rows.day(project, gone, team, rows.days_ago(10, TODAY))
    rows.day(project, here, team, rows.days_ago(2, TODAY))
    found = hits(project, "LONG_ABSENCE")
    assert [h.subject_key for h in found] == [f"user:{gone.id}"]
    assert found[0].evidence["last_worked_on"] == rows.days_ago(10, TODAY).isoformat()
    assert found[0].since == rows.days_ago(9, TODAY)


def test_attendance_without_contract_or_training(site):
    project, team, admin, _leader = site
    bare, half, ok = (rows.worker(project, team) for _ in range(3))
    rows.contract(project, half, team, rows.days_ago(20, TODAY))  # contract, no training
    settled(project, team, admin, ok, rows.days_ago(20, TODAY))
    for u in (bare, half, ok):
        rows.day(project, u, team, rows.days_ago(5, TODAY))
    found = {h.subject_key: h.evidence["missing"] for h in hits(project, "NO_CONTRACT_OR_TRAINING")}
    assert found == {f"user:{bare.id}": ["contract", "training"], f"user:{half.id}": ["training"]}


def test_fraud_flags_accumulating(site):
    project, team, _admin, _leader = site
    cheat, once = rows.worker(project, team), rows.worker(project, team)
    for n in range(3):
        rows.clock(project, cheat, team, rows.days_ago(n + 1, TODAY), status="flagged", flags=["REPEATED_COORDINATES"])
    rows.clock(project, once, team, rows.days_ago(1, TODAY), status="flagged", flags=["IMPOSSIBLE_SPEED"])
    for n in range(5):  # witnessed clocks are flagged but are not fraud
        rows.clock(project, once, team, rows.days_ago(n + 2, TODAY), status="flagged", flags=["WITNESSED"])
    found = hits(project, "FRAUD_FLAGS")
    assert [h.subject_key for h in found] == [f"user:{cheat.id}"]
    assert found[0].evidence["flags"] == {"REPEATED_COORDINATES": 3}


def test_leader_corrections_far_above_peers(site):
    project, team, admin, leader = site
    peers = [make_user(f"peer{i}") for i in range(3)]
    teams = [team] + [make_team(admin, project, name=f"班{i}", leader=p) for i, p in enumerate(peers)]
    for t, lead in zip(teams, [leader, *peers], strict=True):
        w = rows.worker(project, t)
        for n in range(10):
            d = rows.day(project, w, t, rows.days_ago(n + 1, TODAY), confirmed_by=lead.id)
            if lead is leader or n == 0:  # the suspect corrects every day, peers one day in ten
                rows.correction(d, lead.id)
    found = hits(project, "LEADER_CORRECTIONS")
    assert [h.subject_key for h in found] == [f"user:{leader.id}"]
    assert found[0].evidence["corrections"] == 10 and found[0].evidence["peer_median_rate"] == 0.1


def test_one_face_matched_by_several_accounts(site):
    project, team, _admin, _leader = site
    owner, a, b, c = (rows.worker(project, team) for _ in range(4))
    rows.clock(project, a, team, rows.days_ago(3, TODAY), status="rejected", buddy=owner.id)
    rows.clock(project, b, team, rows.days_ago(2, TODAY), status="rejected", buddy=owner.id)
    rows.clock(project, c, team, rows.days_ago(2, TODAY), status="rejected", buddy=a.id)  # one account only
    found = hits(project, "SHARED_FACE")
    assert [h.subject_key for h in found] == [f"face:{owner.id}"]
    assert found[0].evidence["accounts"] == sorted([a.id, b.id])


def test_thresholds_per_project(site):
    project, team, _admin, _leader = site
    gone = rows.worker(project, team)
    rows.day(project, gone, team, rows.days_ago(10, TODAY))
    assert hits(project, "LONG_ABSENCE")
    warnings.set_thresholds(_admin.id, project.id, {"absence_days": 30})
    assert not hits(project, "LONG_ABSENCE")


def test_refresh_keeps_one_row_and_closes_what_stopped_holding(site):
    project, team, admin, _leader = site
    gone = rows.worker(project, team)
    rows.day(project, gone, team, rows.days_ago(10, TODAY))
    assert warnings.refresh_warnings([project.id], TODAY)["new"] >= 1
    assert warnings.refresh_warnings([project.id], TODAY)["new"] == 0
    rows.day(project, gone, team, rows.days_ago(1, TODAY))
    assert warnings.refresh_warnings([project.id], TODAY)["resolved"] >= 1
    listed = {w.rule: w.status for w in warnings.project_warnings(admin.id, project.id).items}
    assert listed["LONG_ABSENCE"] == "closed"
    db.session.rollback()


def test_team_hopping_across_projects(site):
    project, team, admin, _leader = site
    hopper = rows.worker(project, team)
    company = db.session.get(Company, db.session.get(Team, team.id).company_id) if team.company_id else None
    company = company or db.session.execute(db.select(Company)).scalars().first()
    for i in range(2):  # joined two other projects within the window
        other = make_project(admin, company=company, join_code=f"HOP{i}")
        rows.worker(other, make_team(admin, other), hopper)
    rows.day(project, hopper, team, rows.days_ago(3, TODAY))
    assert [h.evidence["teams"] for h in hits(project, "TEAM_HOPPING")] == [3]


def test_days_worked_but_unpaid_past_pay_day(site):
    project, team, admin, _leader = site
    paid, unpaid = rows.worker(project, team), rows.worker(project, team)
    for u in (paid, unpaid):
        rows.contract(project, u, team, date(2026, 8, 1))
        for d in (date(2026, 9, 10), date(2026, 10, 10)):
            rows.day(project, u, team, d, confirmed_by=admin.id)
    # September: approved and every line paid; October: approved, pay day 15 November (a Sunday: due Friday
    # 13 November, the nearest working day before it) passed, one line unpaid
    rows.payroll(project, "2026-09", admin, [(paid, 70000, "paid"), (unpaid, 70000, "paid")])
    rows.payroll(project, "2026-10", admin, [(paid, 70000, "paid"), (unpaid, 70000, "issued")])
    found = hits(project, "UNPAID_PAST_PAY_DAY")
    assert [(h.subject_key, h.evidence["unpaid_lines"]) for h in found] == [("month:2026-10", 1)]
    assert found[0].evidence["pay_day"] == "2026-11-13" and found[0].since == date(2026, 11, 14)
    # November's days are not due yet (pay day 15 December)
    rows.day(project, paid, team, date(2026, 11, 3), confirmed_by=admin.id)
    assert len(hits(project, "UNPAID_PAST_PAY_DAY")) == 1


def test_days_worked_without_any_payroll_past_pay_day(site):
    project, team, admin, _leader = site
    u = rows.worker(project, team)
    rows.day(project, u, team, date(2026, 10, 8), confirmed_by=admin.id)
    found = hits(project, "UNPAID_PAST_PAY_DAY")
    assert found and found[0].evidence["payroll_status"] is None and found[0].evidence["days_worked"] == 1


def test_payroll_above_deposits(site):
    from models.oversight import WageDeposit

    project, team, admin, _leader = site
    u = rows.worker(project, team)
    rows.contract(project, u, team, date(2026, 8, 1))
    rows.payroll(project, "2026-10", admin, [(u, 900000, "paid")])
    db.session.add(WageDeposit(project_id=project.id, amount_fen=500000, deposited_on=date(2026, 10, 1),
                               reference="T1", recorded_by=admin.id))
    db.session.flush()
    found = hits(project, "PAYROLL_ABOVE_DEPOSITS")
    assert [h.evidence["shortfall_fen"] for h in found] == [400000]
    db.session.add(WageDeposit(project_id=project.id, amount_fen=400000, deposited_on=date(2026, 10, 20),
                               reference="T2", recorded_by=admin.id))
    db.session.flush()
    assert hits(project, "PAYROLL_ABOVE_DEPOSITS") == []


def test_onboarding_window_wider_than_the_hop_window(site):
    """Each rule reads its own window: days before the hop window still count for onboarding."""
    project, team, admin, _leader = site
    bare = rows.worker(project, team)
    rows.day(project, bare, team, rows.days_ago(50, TODAY))
    warnings.set_thresholds(admin.id, project.id, {"hop_window_days": 20, "onboarding_window_days": 60})
    found = hits(project, "NO_CONTRACT_OR_TRAINING")
    assert [(h.subject_key, h.since) for h in found] == [(f"user:{bare.id}", rows.days_ago(50, TODAY))]
    warnings.set_thresholds(admin.id, project.id, {"onboarding_window_days": 40})
    assert hits(project, "NO_CONTRACT_OR_TRAINING") == []
