"""`flask seed-demo` leaves one enrolled worker in each state, and a second run changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import AuditEntry, Contract, Membership, User, db

pytestmark = pytest.mark.slow


def states() -> dict[str, tuple[str, str | None]]:
    rows = db.session.execute(
        select(User.openid, Membership.status, Contract.status)
        .join(Membership, Membership.user_id == User.id)
        .outerjoin(Contract, Contract.membership_id == Membership.id)
        .where(Membership.role == "worker")).all()
    return {openid: (m, c) for openid, m, c in rows}


def test_seed_demo_enrolls_workers_in_each_state(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        enrolled = {k: v for k, v in states().items() if k.startswith("demo-worker-")}
        assert enrolled == {"demo-worker-pending": ("pending", None), "demo-worker-rejected": ("rejected", None),
                            "demo-worker-signed": ("active", "signed")}
        # the attendance demo's crew (services/attendance/demo.py) works in the same team
        assert {v for k, v in states().items() if k.startswith("demo-crew-")} == {("active", None)}
        entries = db.session.execute(select(func.count(AuditEntry.id))).scalar_one()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        assert db.session.execute(select(func.count(AuditEntry.id))).scalar_one() == entries
    verified = runner.invoke(args=["audit", "verify"])
    # demo-worker-signed and the payroll demo's four: each sealed on its employer's signatory's batch
    assert verified.exit_code == 0 and "sealed records OK: 5" in verified.output
    with app.app_context():
        batch = db.session.execute(select(AuditEntry).where(AuditEntry.action == "contract.employer_batch_signed")
                                   ).scalars().all()
        assert [len(__import__("json").loads(e.details)["signed"]) for e in batch] == [1, 3, 1]
        signer = db.session.execute(select(User.id).where(User.openid == "demo-signatory")).scalar_one()
        gc_signer = db.session.execute(select(User.id).where(User.openid == "demo-signatory-gc")).scalar_one()
        signers = db.session.execute(select(User.openid, Contract.employer_signer_id).join(
            Contract, Contract.user_id == User.id).where(User.openid.like("demo-worker%"))).all()
        assert dict(signers) == {"demo-worker-signed": signer, "demo-worker1": signer, "demo-worker2": signer,
                                 "demo-worker3": signer, "demo-worker4": gc_signer}
