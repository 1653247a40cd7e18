"""Issue 23, one rule in one place: closing a stale face check goes through the same write-and-hand-over
path as a finished job, so the contract (or clock) waiting on it is decided at once."""

from __future__ import annotations

from datetime import timedelta

from models import Contract, FaceCheck, db
from models.base import utcnow
from services.faces.job import fail_stale_checks
from tests.factories import add_member, make_project, make_team, make_user
from tests.payroll.conftest import make_signed_contract


def test_a_stale_contract_check_lets_the_worker_sign_again(app):
    with app.app_context():
        admin, worker = make_user("admin"), make_user("worker")
        project = make_project(admin)
        team = make_team(admin, project)
        from models import Role

        membership = add_member(project, worker, Role.WORKER, team)
        contract = make_signed_contract(worker, membership)
        check = FaceCheck(user_id=worker.id, project_id=project.id, kind="contract", purpose="contract",
                          purpose_id=contract.id, liveness_mode="passive",
                          created_at=utcnow() - timedelta(hours=2))
        db.session.add(check)
        db.session.flush()
        contract.status, contract.signed_at, contract.signing_check_id = "signing", None, check.id
        db.session.commit()
        contract_id, check_id = contract.id, check.id

        assert fail_stale_checks(timedelta(minutes=30)) == 1
        db.session.commit()
        assert db.session.get(FaceCheck, check_id).status == "error"
        assert db.session.get(Contract, contract_id).status == "unsigned"  # not left "signing"
