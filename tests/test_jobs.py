"""Background jobs leave only after commit and really run (in-process, or a real RQ worker)."""

from __future__ import annotations

import pytest
import requests

from models import db
from services import notifications
from tests.factories import make_user


def messages(fake_wechat) -> list[dict]:
    return requests.get(fake_wechat.base_url + "__fake__/messages", timeout=5).json()["messages"]


def test_subscribe_message_is_sent_after_commit(app, fake_wechat, drain_jobs):
    with app.app_context():
        user = make_user("notify-me")
        notifications.notify(user.id, "TPL_SHIFT", {"thing1": "考勤已确认"}, page="pages/me")
        db.session.commit()
    drain_jobs("default")
    sent = messages(fake_wechat)
    assert len(sent) == 1
    assert sent[0]["touser"] == "notify-me" and sent[0]["data"] == {"thing1": {"value": "考勤已确认"}}


def test_rolled_back_transaction_sends_nothing(app, fake_wechat, drain_jobs):
    with app.app_context():
        user = make_user("never")
        db.session.commit()
        notifications.notify(user.id, "TPL_SHIFT", {"thing1": "x"})
        db.session.rollback()
    drain_jobs("default")
    assert messages(fake_wechat) == []


def test_health_reports_parts(client, app):
    body = client.get("/healthz").get_json()
    assert body["ok"] and body["database"]["ok"]
    if app.config["JOBS_MODE"] == "rq":
        assert body["redis"] == {"ok": True} and set(body["queues"]) == {"default", "face"}
    else:
        assert body["mode"] == "embedded"


def test_health_is_503_when_redis_is_down(app_config, app):
    from app import create_app

    broken = create_app(dict(app_config, REDIS_URL="redis://127.0.0.1:9/0", JOBS_MODE="rq"))
    resp = broken.test_client().get("/healthz")
    assert resp.status_code == 503 and resp.get_json()["redis"]["ok"] is False


def test_health_is_503_when_database_is_down(app_config, app):
    from app import create_app

    broken = create_app(dict(app_config, SQLALCHEMY_DATABASE_URI="mysql+pymysql://x:y@127.0.0.1:9/none"))
    resp = broken.test_client().get("/healthz")
    assert resp.status_code == 503 and resp.get_json()["database"]["ok"] is False


def test_cron_schedule_loads_and_names_real_jobs():
    import importlib

    from rq import cron as rq_cron

    rq_cron._job_data_registry.clear()
    importlib.reload(importlib.import_module("workers.cron"))
    names = {job["name"]: job["func"] for job in rq_cron._job_data_registry}
    assert set(names) == {"purge-face-evidence", "fail-stale-face-checks", "purge-idempotency-keys",
                          "sweep-waiting-clocks", "refresh-warnings", "push-outbox"}
    assert all(callable(f) for f in names.values())
    rq_cron._job_data_registry.clear()


def test_maintenance_jobs_run(app):
    from workers.maintenance import fail_stale_face_checks, purge_face_evidence, purge_idempotency_keys

    with app.app_context():
        assert purge_idempotency_keys() == 0
        assert purge_face_evidence() == 0
        assert fail_stale_face_checks() == 0


def test_redis_down_at_commit_does_not_fail_the_committed_request(app_config, app, caplog):
    from app import create_app
    from models import User

    broken = create_app(dict(app_config, REDIS_URL="redis://127.0.0.1:9/0", JOBS_MODE="rq"))
    with broken.app_context():
        user = make_user("kept")
        notifications.notify(user.id, "TPL", {"thing1": "x"})
        db.session.commit()  # must not raise: the row is committed, the lost job is logged
        assert db.session.get(User, user.id) is not None
    assert "could not enqueue workers.notifications.send_subscribe_message" in caplog.text


def test_jobs_are_enqueued_by_dotted_name(app):
    from infra import jobs

    with app.app_context(), pytest.raises(TypeError):
        jobs.enqueue(print, "x")
    assert jobs.resolve("workers.faces.face_check_job").__name__ == "face_check_job"
