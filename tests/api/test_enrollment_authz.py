"""Every role's allowed and refused accesses to enrollment and contracts, one table per action
(the roles and the project are those of test_org_authz)."""

from __future__ import annotations

import io

import pytest

from models import Membership, Role, User, db
from services import contracts
from services.consent_texts import CURRENT
from services.consents import grant_consent
from services.contracts import model_text
from services.enrollment.profile import ProfileInput, save_profile
from tests.api.test_org_authz import OVERSIGHT, ROLES, World, check, expect, run
from tests.factories import id_number, make_face_template, years_ago

LABOUR_SIDE = {"admin", "labour_manager"}


@pytest.fixture
def contract_id(app, world: World) -> int:
    """worker_a enrolled completely, with a generated contract."""
    with app.app_context():
        uid = world.users["worker_a"]
        for kind in ("privacy_policy", "biometric", "location", "financial"):
            grant_consent(uid, kind, CURRENT[kind].version)
        save_profile(uid, ProfileInput(name="赵六", id_number=id_number(years_ago(30)), trade="钢筋工",
                                       phone="13800138001"))
        make_face_template(db.session.get(User, uid))
        membership = db.session.query(Membership).filter_by(user_id=uid, role=Role.WORKER.value).one()
        party = contracts.WorkerParty("赵六", "赵*", "1101**********0016", "138****8001", "钢筋工")
        contract = contracts.generate_contract(world.users["admin"], membership.id, party)
        db.session.commit()
        return contract.id


def expect_only(allowed: set[str], status: int) -> dict[str, int]:
    """Allowed roles get `status` (e.g. a business refusal after the authorization passed)."""
    table = expect(allowed)
    return {role: status if role in allowed else refused for role, refused in table.items()}


def exact(results: dict[str, int], expected: dict[str, int]) -> None:
    wrong = {r: (got, expected[r]) for r, got in results.items() if got != expected[r]}
    assert not wrong, f"role: (got, expected) {wrong}"


def test_review_list(client, world):
    check(run(client, world, "GET", f"/api/v1/projects/{world.project_id}/enrollments"), expect(LABOUR_SIDE))


def test_approve_and_reject(app, client, world):
    with app.app_context():
        pending = Membership(project_id=world.project_id, user_id=world.users["outsider"], role="worker",
                             team_id=world.team_a, status="pending")
        db.session.add(pending)
        db.session.commit()
        pending_id = pending.id
    # the outsider has applied: a pending application grants nothing in the project (404, like any outsider)
    outsider_view = expect_only(LABOUR_SIDE, 422)
    exact(run(client, world, "POST", f"/api/v1/enrollments/{pending_id}/approve"), outsider_view)
    results = run(client, world, "POST", f"/api/v1/enrollments/{pending_id}/reject", lambda r: {"reason": "不符合"})
    assert results.pop("admin") == 200  # the first allowed caller rejects; the next finds it decided
    exact(results, {**{r: s for r, s in outsider_view.items() if r != "admin"}, "labour_manager": 409})


def test_worker_profile(client, world, contract_id):
    url = f"/api/v1/projects/{world.project_id}/workers/{world.users['worker_a']}/profile"
    check(run(client, world, "GET", url), expect(LABOUR_SIDE | {"worker_a"}))


def test_trainings(client, world, contract_id):
    url = f"/api/v1/projects/{world.project_id}/workers/{world.users['worker_a']}/trainings"
    results = run(client, world, "POST", url, lambda r: {"level": "team", "hours": 1, "date": "2026-01-05"})
    check(results, expect(LABOUR_SIDE))
    check(run(client, world, "GET", url), expect(OVERSIGHT | {"leader_a", "worker_a"}))


def test_rules_and_template(client, world):
    rules = f"/api/v1/projects/{world.project_id}/enrollment-rules"
    check(run(client, world, "GET", rules), expect(set(ROLES) - {"outsider"}))
    body = {"training_hours": {"company": 15, "project": 15, "team": 20}, "max_age_male": 60, "max_age_female": 50}
    check(run(client, world, "PUT", rules, lambda r: body), expect(LABOUR_SIDE))
    template = f"/api/v1/projects/{world.project_id}/contract-template"
    check(run(client, world, "GET", template), expect(LABOUR_SIDE))
    body = {"title": "劳动合同", "body": model_text.BODY, "wage_type": "day", "pay_day": 10}
    check(run(client, world, "PUT", template, lambda r: body), expect(LABOUR_SIDE))


def test_contract_reads(client, world, contract_id):
    readers = LABOUR_SIDE | {"supervisor", "worker_a"}
    check(run(client, world, "GET", f"/api/v1/contracts/{contract_id}"), expect(readers))
    check(run(client, world, "GET", f"/api/v1/contracts/{contract_id}/pdf"), expect(readers))


def test_contract_terminate(client, world, contract_id):
    body = {"reason": "提前退场", "date": "2000-01-01"}  # before the contract began: refused after authorization
    exact(run(client, world, "POST", f"/api/v1/contracts/{contract_id}/terminate", lambda r: body),
          expect_only(LABOUR_SIDE, 422))


def test_only_the_worker_signs(client, world, contract_id):
    for role in ROLES:
        data = {"signature": (io.BytesIO(b"not a png"), "s.png"), "photo": [(io.BytesIO(b"x"), "p.jpg")]}
        resp = client.post(f"/api/v1/contracts/{contract_id}/sign", data=data, headers=world.headers[role],
                           content_type="multipart/form-data")
        expected = ("SIGNATURE_INVALID", 422) if role == "worker_a" else ("CONTRACT_NOT_FOUND", 404)
        assert (resp.get_json()["error"]["code"], resp.status_code) == expected, role


def test_my_contracts_are_my_own(client, world, contract_id):
    for role in ROLES:
        items = client.get("/api/v1/me/contracts", headers=world.headers[role]).get_json()["items"]
        assert [c["id"] for c in items] == ([contract_id] if role == "worker_a" else [])


def test_the_worker_keeps_reading_their_contract_after_leaving(app, client, world, contract_id):
    with app.app_context():
        db.session.query(Membership).filter_by(user_id=world.users["worker_a"]).update({"status": "left"})
        db.session.commit()
    assert client.get(f"/api/v1/contracts/{contract_id}", headers=world.headers["worker_a"]).status_code == 200
    assert client.get(f"/api/v1/contracts/{contract_id}", headers=world.headers["worker_b"]).status_code == 403


def test_contract_lists_and_employer_signing(client, world, contract_id):
    """No role of the matrix signs for the employer (that takes an employer_signatory membership: 403)."""
    # the worker reads their own through /me/contracts
    check(run(client, world, "GET", f"/api/v1/projects/{world.project_id}/contracts"),
          expect(LABOUR_SIDE | {"supervisor"}))
    for role in ROLES:
        data = {"signature": (io.BytesIO(b"not a png"), "s.png")}
        resp = client.post(f"/api/v1/contracts/{contract_id}/employer-sign", data=data, headers=world.headers[role],
                           content_type="multipart/form-data")
        assert resp.status_code == (404 if role == "outsider" else 403), (role, resp.get_json())
    amend = run(client, world, "POST", f"/api/v1/contracts/{contract_id}/amendments",
                lambda r: {"wage_amount_fen": 1, "effective_from": "2027-01-01"})
    exact(amend, expect_only(LABOUR_SIDE, 409))  # allowed, then refused: the contract is not in force
