"""Issue 23: the month lock cannot race a late clock (MariaDB, two transactions at once).

A late clock's recompute takes the project row's shared lock before it checks the month lock;
approval takes it exclusive before it compares fingerprints. So the approval either waits for the
recompute and refuses a stale payroll, or the recompute comes after and finds the month locked."""

from __future__ import annotations

import threading
import time

import pytest

from models import AttendanceDay, db
from models.base import utcnow
from services.attendance.days import recompute_day
from services.errors import DomainError
from services.payroll.approval import approve_payroll
from tests.conftest import backend
from tests.payroll.conftest import PayrollSite, issue_and_confirm

pytestmark = pytest.mark.skipif(backend() != "mariadb", reason="row locks: MariaDB only (SQLite serializes writers)")


def _confirmed_days(app, s: PayrollSite) -> None:
    with app.app_context():
        for n in (1, 2):
            db.session.add(AttendanceDay(project_id=s.project_id, user_id=s.users["w1"], team_id=s.team_id,
                                         business_date=s.day(n), status="present", worked_minutes=480,
                                         computed_status="present", computed_worked_minutes=480, flags=[],
                                         confirmed_at=utcnow(), confirmed_by=s.users["leader"], updated_at=utcnow()))
        db.session.commit()


def test_a_late_clock_and_the_approval_never_both_win(app, client, psite) -> None:
    s = psite
    _confirmed_days(app, s)
    payroll_id = client.post(f"/api/v1/projects/{s.project_id}/payrolls", json={"month": s.month},
                             headers=s.headers["labour"]).get_json()["id"]
    issue_and_confirm(client, s, payroll_id)  # the worker signs the slip before submission (issue 25)
    assert client.post(f"/api/v1/payrolls/{payroll_id}/submit", headers=s.headers["labour"]).status_code == 200

    recomputed, outcome = threading.Event(), {}

    def late_clock() -> None:
        with app.app_context():
            # the clock's recompute: no counted clock for day 1 any more (e.g. one rejected late)
            outcome["recompute"] = recompute_day(s.project_id, s.users["w1"], s.day(1), s.team_id) is not None
            recomputed.set()
            time.sleep(1.5)  # the approval starts while this transaction is still open
            db.session.commit()

    def approval() -> None:
        recomputed.wait(5)
        with app.app_context():
            try:
                approve_payroll(s.users["approver"], payroll_id)
                db.session.commit()
                outcome["approval"] = "approved"
            except DomainError as e:
                db.session.rollback()
                outcome["approval"] = e.code

    threads = [threading.Thread(target=late_clock), threading.Thread(target=approval)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert outcome["recompute"] is True
    # the recompute changed the day (it needs confirming again): the approval must see that
    assert outcome["approval"] == "PAYROLL_STALE", outcome
