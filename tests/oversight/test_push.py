"""Government platform push: the fake platform (a real HTTP server) verifies the signature and
decrypts; a failed delivery is retried with backoff and delivered once; the last failure is a
dead letter the project admin sees. Deliveries run as jobs (an RQ worker on the real Redis queues
with MariaDB, the in-process runner embedded)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import requests

from infra import platform_protocol as protocol
from models import Membership, WorkerProfile, db
from models.base import utcnow
from models.oversight import PushEvent
from services.oversight.settings import oversight_settings_from
from services.pii import encrypt_str, row_context
from services.platform_push import outbox
from tests.conftest import drain_jobs, settings_changed
from tests.factories import bearer, make_project, make_team, make_user
from tests.oversight import rows
from workers.oversight import push_outbox_job

SECRET = "abcdef0123456789abcdef0123456789"
ID_NUMBER = "110105199001011234"


@pytest.fixture
def platform():
    from devtools.fake_platform import start_in_background

    server = start_in_background(SECRET, "siteroll-test")
    server.state.timeout_seconds = 1.5
    yield server
    server.shutdown()


@pytest.fixture
def pushing(app, platform, monkeypatch):
    cfg = {"PLATFORM_PUSH_URL": platform.base_url, "PLATFORM_APPID": "siteroll-test", "PLATFORM_SECRET": SECRET,
           "PLATFORM_TIMEOUT_SECONDS": "0.5", "PLATFORM_PUSH_MAX_ATTEMPTS": "3"}
    for key, value in cfg.items():  # the RQ worker process reads them from its environment
        monkeypatch.setenv(f"SITEROLL_{key}", value)
    with settings_changed(app, oversight=oversight_settings_from(cfg)):
        yield platform


@pytest.fixture
def enrolled(app):
    with app.app_context():
        admin = make_user("admin")
        project = make_project(admin)
        team = make_team(admin, project)
        worker = rows.worker(project, team)
        profile = WorkerProfile(user_id=worker.id, name_enc="", name_masked="张*", id_number_enc="",
                                id_number_masked="1101**********1234", id_number_bidx="x" * 64, sex="male",
                                birth_date_enc="x", birth_year=1990, trade="钢筋工", bank_card_last4="3445",
                                bank_name="中国工商银行")
        db.session.add(profile)
        db.session.flush()
        for column, value in (("name_enc", "张三"), ("id_number_enc", ID_NUMBER), ("bank_card_enc", "6222020200112233445")):
            setattr(profile, column, encrypt_str(value, context=row_context("worker_profiles", column, profile.id)))
        rows.day(project, worker, team, date(2026, 11, 2), confirmed_by=admin.id)
        db.session.commit()
        return {"project": project.id, "admin": bearer(admin), "admin_id": admin.id}


def fake(platform, mode: str, times: int | None = None) -> None:
    requests.post(platform.base_url + "__fake__/mode", json={"mode": mode, "times": times}, timeout=5)


def received(platform) -> list[dict]:
    return requests.get(platform.base_url + "__fake__/received", timeout=5).json()["items"]


def calls(platform) -> list[dict]:
    return requests.get(platform.base_url + "__fake__/calls", timeout=5).json()["items"]


def run_cycle(app) -> None:
    with app.app_context():
        push_outbox_job()
    drain_jobs(app, "default")


def make_due(app) -> None:
    with app.app_context():
        db.session.execute(db.update(PushEvent).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()


def test_protocol_round_trip():
    fields = {"appid": "a", "data": '{"x":1}', "format": "json", "method": "Team.Add", "nonce": "n",
              "timestamp": "20261120080000", "version": "1.0"}
    fields["sign"] = protocol.sign(fields, SECRET)
    assert protocol.verify(fields, SECRET) and not protocol.verify(fields | {"data": '{"x":2}'}, SECRET)
    token = protocol.encrypt_field(ID_NUMBER, SECRET)
    assert token != ID_NUMBER and protocol.decrypt_field(token, SECRET) == ID_NUMBER


def test_retried_after_failures_then_delivered_once(app, client, pushing, enrolled):
    fake(pushing, "reject", times=1)
    run_cycle(app)  # collects Team, ProjectWorker, WorkerAttendance; first call rejected
    with app.app_context():
        events = {e.kind: e for e in db.session.execute(db.select(PushEvent)).scalars()}
        assert set(events) == {"team_created", "worker_enrolled", "attendance_day"}
        failed = [e for e in events.values() if e.status == "pending" and e.attempts == 1]
        assert len(failed) == 1 and "2001" in failed[0].last_error
        assert failed[0].next_attempt_at > utcnow()  # backoff: not due yet
    run_cycle(app)
    assert len(received(pushing)) == 2  # the failed one waits for its backoff
    fake(pushing, "timeout", times=1)
    make_due(app)
    run_cycle(app)  # the retry times out
    make_due(app)
    run_cycle(app)  # and the next one goes through
    got = received(pushing)
    assert len(got) == 3 and all(c["signature_ok"] for c in calls(pushing))
    with app.app_context():
        assert {e.status for e in db.session.execute(db.select(PushEvent)).scalars()} == {"delivered"}
    worker = next(r for r in got if r["method"] == "ProjectWorker.Add")["data"]["workerList"][0]
    assert worker["idCardNumber"] == ID_NUMBER and worker["payRollBankCardNumber"] == "6222020200112233445"
    attendance = next(r for r in got if r["method"] == "WorkerAttendance.Add")["data"]["dataList"]
    assert [a["direction"] for a in attendance] == ["01", "02"] and attendance[0]["date"] == "2026-11-02 08:00:00"
    # a second delivery of the same fact (collect again, job run twice) is kept once by its stable id
    with app.app_context():
        assert outbox.collect() == 0
        event = db.session.execute(db.select(PushEvent).where(PushEvent.kind == "worker_enrolled")).scalar_one()
        event.status = "pending"
        outbox.deliver(event.id)
        db.session.commit()
    assert len(received(pushing)) == 3


def test_dead_letter_visible_to_the_admin(app, client, pushing, enrolled):
    fake(pushing, "reject")
    for _ in range(3):
        make_due(app)
        run_cycle(app)
    resp = client.get(f"/api/v1/projects/{enrolled['project']}/push-events?status=dead", headers=enrolled["admin"])
    items = resp.get_json()["items"]
    assert len(items) == 3 and all(i["attempts"] == 3 and "2001" in i["last_error"] for i in items)
    assert received(pushing) == []
    with app.app_context():
        outsider = bearer(make_user("outsider"))
        db.session.commit()
    assert client.get(f"/api/v1/projects/{enrolled['project']}/push-events", headers=outsider).status_code == 404


def test_worker_left_is_pushed(app, pushing, enrolled):
    run_cycle(app)
    with app.app_context():
        db.session.execute(db.update(Membership).where(Membership.role == "worker").values(status="left"))
        db.session.commit()
    run_cycle(app)
    methods = sorted(r["method"] for r in received(pushing))
    assert methods == ["ProjectWorker.Add", "Team.Add", "WorkerAttendance.Add", "WorkerEntryExit.Add"]


def test_paid_pay_line_pushed_as_payroll_detail(app, pushing, enrolled):
    with app.app_context():
        from models import Project, User

        project = db.session.get(Project, enrolled["project"])
        worker = db.session.execute(db.select(User).join(Membership, Membership.user_id == User.id)
                                    .where(Membership.role == "worker")).scalar_one()
        admin = db.session.get(User, enrolled["admin_id"])
        rows.contract(project, worker, None, date(2026, 10, 1))
        rows.payroll(project, "2026-10", admin, [(worker, 735000, "paid")])
        db.session.commit()
    run_cycle(app)
    detail = next(r for r in received(pushing) if r["method"] == "Payroll.Add")["data"]
    assert detail["payMonth"] == "2026-10"
    line = detail["detailList"][0]
    assert line["actualAmount"] == "7350.00" and line["idCardNumber"] == ID_NUMBER
    assert line["payRollBankCardNumber"] == "6222020200112233445"
