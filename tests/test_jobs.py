"""Background jobs leave only after commit and really run (in-process, or a real RQ worker)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from redis import Redis
from rq.cron import CronScheduler
from sqlalchemy import func, select

from app import create_app
from infra.jobs import enqueue, resolve
from models import FaceCheck, FaceEvidence, IdempotencyRecord, User, db
from models.base import utcnow
from services.storage import objects
from tests.conftest import ROOT, drain_jobs
from tests.factories import make_user


def notify(user_id: int, template_id: str, data: dict, page: str | None = None) -> None:
    enqueue("workers.notifications.send_subscribe_message", user_id, template_id, data, page)


def messages(fake_wechat) -> list[dict]:
    return requests.get(fake_wechat.base_url + "__fake__/messages", timeout=5).json()["messages"]


def test_subscribe_message_is_sent_after_commit(app, fake_wechat):
    with app.app_context():
        user = make_user("notify-me")
        notify(user.id, "TPL_SHIFT", {"thing1": "考勤已确认"}, "pages/me")
        db.session.commit()
    drain_jobs(app, "default")
    sent = messages(fake_wechat)
    assert len(sent) == 1
    assert sent[0]["touser"] == "notify-me" and sent[0]["data"] == {"thing1": {"value": "考勤已确认"}}


def test_rolled_back_transaction_sends_nothing(app, fake_wechat):
    with app.app_context():
        user = make_user("never")
        db.session.commit()
        notify(user.id, "TPL_SHIFT", {"thing1": "x"})
        db.session.rollback()
    drain_jobs(app, "default")
    assert messages(fake_wechat) == []


def test_health_reports_parts(client, app):
    body = client.get("/healthz").get_json()
    assert body["ok"] and body["database"]["ok"]
    if app.config["JOBS_MODE"] == "rq":
        assert body["redis"] == {"ok": True} and body["queued"] >= 0
    else:
        assert body["redis"] == {"ok": True}  # not required: reported up, without saying why


def test_health_is_503_when_redis_is_down(app_config, app):
    broken = create_app(dict(app_config, REDIS_URL="redis://127.0.0.1:9/0", JOBS_MODE="rq"))
    resp = broken.test_client().get("/healthz")
    assert resp.status_code == 503 and resp.get_json()["redis"]["ok"] is False


def test_health_is_503_when_database_is_down(app_config, app):
    broken = create_app(dict(app_config, SQLALCHEMY_DATABASE_URI="mysql+pymysql://x:y@127.0.0.1:9/none"))
    resp = broken.test_client().get("/healthz")
    assert resp.status_code == 503 and resp.get_json()["database"]["ok"] is False


def test_cron_schedule_names_real_jobs():
    scheduler = CronScheduler(connection=Redis())  # never contacted: the schedule is only read
    scheduler.load_config_from_file(str(ROOT / "workers" / "cron.py"))
    scheduled = {job.name: job for job in scheduler.get_jobs()}
    assert set(scheduled) == {"purge-face-evidence", "fail-stale-face-checks", "purge-idempotency-keys",
                              "sweep-waiting-clocks", "refresh-warnings", "push-outbox", "apply-retention",
                              "sweep-storage-orphans"}
    assert all(resolve(job.func_name) is job.func for job in scheduled.values())


def committed(model, *where) -> int:
    """Rows as another connection sees them: only what was committed."""
    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_maintenance_commands_run_the_jobs_and_commit(app, ctx):
    now = utcnow()
    user = make_user()
    stale = FaceCheck(user_id=user.id, kind="clock", liveness_mode="passive", created_at=now - timedelta(hours=1))
    fresh = FaceCheck(user_id=user.id, kind="clock", liveness_mode="passive", created_at=now)
    db.session.add_all([stale, fresh])
    db.session.flush()
    for check, age in ((stale, timedelta(days=91)), (fresh, timedelta(days=1))):
        photo = objects.put(b"photo", context=f"face_evidence:{check.id}")
        db.session.add(FaceEvidence(check_id=check.id, photo_object_id=photo.id, sha256="0" * 64, size_bytes=1,
                                    created_at=now - age))
    for key, age in (("old", timedelta(hours=49)), ("new", timedelta(hours=1))):
        db.session.add(IdempotencyRecord(user_id=user.id, key=key, method="POST", path="/api/v1/x",
                                         request_hash="0" * 64, created_at=now - age))
    db.session.commit()

    runner = app.test_cli_runner()
    assert runner.invoke(args=["faces", "fail-stale"]).output == "closed 1 stale check(s)\n"
    assert runner.invoke(args=["faces", "purge-evidence"]).output == \
        "purged 1 evidence photo(s) older than 90 days\n"
    assert runner.invoke(args=["maintenance", "purge-idempotency"]).output == "removed 1 expired idempotency keys\n"
    assert committed(FaceCheck, FaceCheck.status == "error") == 1
    assert committed(FaceEvidence, FaceEvidence.photo_object_id.is_(None)) == 1
    assert committed(IdempotencyRecord) == 1


def test_redis_down_at_commit_does_not_fail_the_committed_request(app_config, app, caplog):
    broken = create_app(dict(app_config, REDIS_URL="redis://127.0.0.1:9/0", JOBS_MODE="rq"))
    with broken.app_context():
        user = make_user("kept")
        notify(user.id, "TPL", {"thing1": "x"})
        db.session.commit()  # must not raise: the row is committed, the lost job is logged
        assert db.session.get(User, user.id) is not None
    assert "could not enqueue workers.notifications.send_subscribe_message" in caplog.text
    assert "thing1" not in caplog.text  # job arguments stay out of the logs


def test_jobs_are_enqueued_by_dotted_name(app):
    with app.app_context(), pytest.raises(TypeError):
        enqueue(print, "x")
    assert resolve("workers.faces.face_check_job").__name__ == "face_check_job"
