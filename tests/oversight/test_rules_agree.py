"""Issue 23, "one rule in one place": the entry gate, the NO_CONTRACT_OR_TRAINING warning and the project
dashboard give the same answer on "contract in force" (services/contracts/in_force.py) and "training
complete" (services/enrollment/training.py). Before, the warning counted any contract once signed (an
expired term, a terminated one) and the dashboard any contract whose status was ``signed`` (an expired term
yes, one terminated from tomorrow no), while the gate read the term and the termination date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models import ContractAmendment, ContractStatus, EnrollmentRules, db
from services.enrollment.gate import entry_gate
from services.oversight import dashboards, warnings
from tests.factories import make_project, make_team, make_user
from tests.oversight import rows

TODAY = date(2026, 11, 20)
FULL = {"company": 15, "project": 15, "team": 20}


@pytest.fixture
def site(ctx):
    admin = make_user("admin")
    project = make_project(admin)
    team = make_team(admin, project, leader=make_user("leader"))
    return project, team, admin


def _worker(project, team, admin, *, training: dict[str, int] | None = None):
    user = rows.worker(project, team)
    rows.trained(project, user, admin, TODAY - timedelta(days=60), training or FULL)
    rows.day(project, user, team, TODAY)
    return user


def _contract(project, user, team, *, start_ago: int = 60, end_ago: int | None = None, status: str = "signed",
              termination: date | None = None):
    c = rows.contract(project, user, team, TODAY - timedelta(days=start_ago))
    c.term_end = TODAY - timedelta(days=end_ago) if end_ago is not None else None
    c.status, c.termination_date = status, termination
    if status == ContractStatus.WORKER_SIGNED.value:
        c.signed_at = None
    db.session.flush()
    return c


def _renew(c, admin, term_end: date) -> None:
    db.session.add(ContractAmendment(
        contract_id=c.id, project_id=c.project_id, user_id=c.user_id, status=ContractStatus.SIGNED.value,
        title="变更协议", body_enc="x", wage_type="day", wage_amount_fen=35000, pay_day=15, term_end=term_end,
        effective_from=TODAY - timedelta(days=10), created_by=admin.id, signed_at=rows.at(TODAY)))
    db.session.flush()


def _answers(project, users):
    gate = {u.id: {r.code for r in entry_gate(u.id, project.id, TODAY).reasons} for u in users}
    hits = {int(h.subject_key.split(":")[1]): h.evidence["missing"]
            for h in warnings.compute([project.id], TODAY) if h.rule == "NO_CONTRACT_OR_TRAINING"}
    no_contract, no_training = dashboards.missing_on(project.id, TODAY)
    return gate, hits, no_contract, no_training


def test_gate_warning_and_dashboard_agree_on_contract_in_force(site):
    project, team, admin = site
    ok, expired, lapsed, renewed, worker_signed, ends_tomorrow, ended_today = (
        _worker(project, team, admin) for _ in range(7))
    _contract(project, ok, team)
    _contract(project, expired, team, end_ago=3)  # a fixed term that ended three days ago
    _contract(project, lapsed, team, start_ago=400, end_ago=35)  # and one that ended last month
    _renew(_contract(project, renewed, team, end_ago=3), admin, TODAY + timedelta(days=365))  # a signed renewal
    _contract(project, worker_signed, team, status=ContractStatus.WORKER_SIGNED.value)  # §16: not yet in force
    _contract(project, ends_tomorrow, team, status="terminated", termination=TODAY + timedelta(days=1))
    _contract(project, ended_today, team, status="terminated", termination=TODAY)
    everyone = [ok, expired, lapsed, renewed, worker_signed, ends_tomorrow, ended_today]
    gate, hits, no_contract, _ = _answers(project, everyone)
    refused = {u for u, codes in gate.items() if codes & {"CONTRACT_NOT_SIGNED", "CONTRACT_NOT_ACTIVE"}}
    warned = {u for u, missing in hits.items() if "contract" in missing}
    assert refused == {expired.id, lapsed.id, worker_signed.id, ended_today.id}
    assert warned == refused  # the warning counted the expired and the terminated contracts as signed
    assert no_contract == refused  # the dashboard counted the expired ones as signed, the one ending tomorrow not
    dashboard = dashboards.project_dashboard(admin.id, project.id, TODAY)
    assert dashboard["missing"] == {"contracts": len(refused), "training": 0}


def test_gate_warning_and_dashboard_agree_on_training_with_project_rules(site):
    project, team, admin = site
    db.session.add(EnrollmentRules(project_id=project.id, company_training_hours=15, project_training_hours=15,
                                   team_training_hours=30, max_age_male=60, max_age_female=50, updated_by=admin.id))
    db.session.flush()
    short = _worker(project, team, admin)  # 20 hours 班组级: the default, short of the project's 30
    done = _worker(project, team, admin, training={**FULL, "team": 30})
    for u in (short, done):
        _contract(project, u, team)
    gate, hits, _, no_training = _answers(project, [short, done])
    assert {u for u, codes in gate.items() if "TRAINING_INCOMPLETE" in codes} == {short.id}
    assert {u for u, missing in hits.items() if "training" in missing} == {short.id} == no_training


def test_training_recorded_after_the_first_day_worked_still_warns(site):
    """《建设工程安全生产管理条例》第三十七条: trained before going on site. Days worked before the training was
    complete keep the warning (the gate refused those days); training recorded later does not undo them."""
    project, team, admin = site
    late = rows.worker(project, team)
    _contract(project, late, team)
    rows.day(project, late, team, TODAY - timedelta(days=5))
    rows.trained(project, late, admin, TODAY - timedelta(days=1))
    found = [h for h in warnings.compute([project.id], TODAY) if h.rule == "NO_CONTRACT_OR_TRAINING"]
    assert [(h.subject_key, h.evidence["missing"]) for h in found] == [(f"user:{late.id}", ["training"])]
    assert found[0].evidence["training_levels_short"] == ["company", "project", "team"]
    assert dashboards.missing_on(project.id, TODAY) == (set(), set())  # complete today


def test_days_worked_after_the_term_ended_warn(site):
    """A clock after the term is kept (flagged AFTER_CONTRACT_END), but no contract was in force that day."""
    project, team, admin = site
    worker = _worker(project, team, admin)
    _contract(project, worker, team, start_ago=60, end_ago=2)
    rows.day(project, worker, team, TODAY - timedelta(days=10))
    found = [h for h in warnings.compute([project.id], TODAY) if h.rule == "NO_CONTRACT_OR_TRAINING"]
    assert [h.evidence["missing"] for h in found] == [["contract"]]
    assert found[0].evidence["days_without_contract"] == 1 and found[0].evidence["days_worked"] == 2
