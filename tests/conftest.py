"""Fixtures: one app per test session on the configured database, a clean slate per test.

SQLite (embedded mode, in-process jobs) by default; MariaDB + Redis + RQ when
SITEROLL_TEST_DATABASE_URL / SITEROLL_TEST_REDIS_URL are set (CI sets both). Objects go to a
folder, or to the S3 server at SITEROLL_TEST_S3_ENDPOINT (CI's MariaDB run: Ceph RADOS Gateway
from devtools/services.sh), in a bucket of this session's own.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from flask import has_app_context
from flask.testing import FlaskClient
from rq import SimpleWorker

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from app import create_app  # noqa: E402
from config import DEFAULT_RATE_LIMITS  # noqa: E402
from devtools.fake_wechat import FakeWeChatServer, start_in_background  # noqa: E402
from infra.jobs import QUEUES, redis_connection, rq_queue, wait_idle  # noqa: E402
from models import db  # noqa: E402
from services.storage.store import store  # noqa: E402

TEST_DATABASE_URL = os.environ.get("SITEROLL_TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("SITEROLL_TEST_REDIS_URL")
TEST_S3_ENDPOINT = os.environ.get("SITEROLL_TEST_S3_ENDPOINT")
ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SITEROLL_SHARED_DIR", ROOT.parent / "shared"))
RATE_LIMIT_NAMES = tuple(DEFAULT_RATE_LIMITS)


def backend() -> str:
    return "mariadb" if TEST_DATABASE_URL else "sqlite"


@pytest.fixture(scope="session")
def fake_wechat() -> Iterator[FakeWeChatServer]:
    server = start_in_background()
    yield server
    server.shutdown()


@pytest.fixture(scope="session")
def app_config(tmp_path_factory, fake_wechat) -> dict:
    tmp = tmp_path_factory.mktemp("siteroll")
    cfg = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL or f"sqlite:///{tmp / 'test.db'}",
        "WECHAT_API_BASE": fake_wechat.base_url,
        "WECHAT_APPID": "wx-test",
        "WECHAT_SECRET": "test-secret",
        "SECRET_KEY": "test-secret",
        "PII_KEYS": "t1:" + "A" * 43 + "=",
        "BLIND_INDEX_KEY": "B" * 43 + "=",
        "FACE_DEEPFACE_HOME": str(tmp / "deepface"),
        "AUDIT_KEY": "test-audit-key",
        "AUDIT_CHECKPOINT_PATH": str(tmp / "audit-checkpoints.log"),
        # the suite logs in and uploads far faster than a person; tests of the limits lower them
        "RATE_LIMITS": {name: ("100000 per minute", "100000 per minute") for name in RATE_LIMIT_NAMES},
        # seed-demo and the demo defaults; the fake WeChat server is reached by its real URL
        "DEMO": True,
        # tests run the housekeeping jobs themselves (tests/faces: periodic purges)
        "EMBEDDED_PERIODIC_JOBS": False,
    }
    cfg["STORAGE_DIR"] = str(tmp / "objects")
    if TEST_S3_ENDPOINT:
        cfg.update({
            "STORAGE_BACKEND": "s3", "S3_ENDPOINT": TEST_S3_ENDPOINT,
            "S3_BUCKET": f"siteroll-test-{os.getpid()}-{int(time.time())}",
            "S3_ACCESS_KEY": os.environ.get("SITEROLL_TEST_S3_ACCESS_KEY", "siteroll-test-access"),
            "S3_SECRET_KEY": os.environ.get("SITEROLL_TEST_S3_SECRET_KEY", "siteroll-test-secret"),
        })
    if TEST_REDIS_URL:
        cfg.update({"REDIS_URL": TEST_REDIS_URL, "JOBS_MODE": "rq"})
    else:
        cfg["JOBS_MODE"] = "inprocess"
    return cfg


@pytest.fixture(scope="session")
def app(app_config):
    application = create_app(app_config)
    with application.app_context():
        db.drop_all()
        db.create_all()
        store().ensure_ready()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def _truncate_all() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "mysql":
            conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS=0")
            for t in tables:
                conn.exec_driver_sql(f"TRUNCATE TABLE `{t.name}`")
            conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS=1")
        else:
            for t in tables:
                conn.execute(t.delete())


@pytest.fixture(autouse=True)
def _clean_state(request, fake_wechat):
    requests.post(fake_wechat.base_url + "__fake__/reset", timeout=5)
    if "app" in request.fixturenames:
        application = request.getfixturevalue("app")
        with application.app_context():
            _truncate_all()
            # the checkpoints describe the chain just truncated
            Path(application.config["AUDIT_CHECKPOINT_PATH"]).unlink(missing_ok=True)
            application.extensions["siteroll_limiter"].reset()
            if TEST_REDIS_URL:
                redis_connection(application).flushdb()
    yield


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def ctx(app):
    """An app context for calling services directly; the test commits what it wants kept."""
    with app.app_context():
        yield
        db.session.rollback()


@contextmanager
def settings_changed(app, **changes) -> Iterator[None]:
    """Run with some of the app's settings replaced (they are built once, in create_app)."""
    original = app.extensions["siteroll_settings"]
    app.extensions["siteroll_settings"] = dataclasses.replace(original, **changes)
    try:
        yield
    finally:
        app.extensions["siteroll_settings"] = original


def worker_env(app_config: dict) -> dict[str, str]:
    """Environment for a real `rq worker` process that shares this test session's database and keys."""
    env = dict(os.environ)
    env.update({
        "SITEROLL_DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "SITEROLL_REDIS_URL": app_config.get("REDIS_URL") or "",
        "SITEROLL_WECHAT_API_BASE": app_config["WECHAT_API_BASE"],
        "SITEROLL_WECHAT_APPID": app_config["WECHAT_APPID"],
        "SITEROLL_WECHAT_SECRET": app_config["WECHAT_SECRET"],
        "SITEROLL_SECRET_KEY": app_config["SECRET_KEY"],
        "SITEROLL_PII_KEYS": app_config["PII_KEYS"],
        "SITEROLL_BLIND_INDEX_KEY": app_config["BLIND_INDEX_KEY"],
        "SITEROLL_AUDIT_KEY": app_config["AUDIT_KEY"],
        "SITEROLL_AUDIT_CHECKPOINT_PATH": app_config["AUDIT_CHECKPOINT_PATH"],
        "DEEPFACE_HOME": app_config["FACE_DEEPFACE_HOME"],
        "SITEROLL_STORAGE_BACKEND": app_config.get("STORAGE_BACKEND", "folder"),
        "SITEROLL_STORAGE_DIR": app_config["STORAGE_DIR"],
        "SITEROLL_S3_ENDPOINT": app_config.get("S3_ENDPOINT") or "",
        "SITEROLL_S3_BUCKET": app_config.get("S3_BUCKET") or "",
        "SITEROLL_S3_ACCESS_KEY": app_config.get("S3_ACCESS_KEY") or "",
        "SITEROLL_S3_SECRET_KEY": app_config.get("S3_SECRET_KEY") or "",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONPATH": str(ROOT),
    })
    return env


def drain_jobs(app, *queues: str, timeout: float = 300) -> None:
    """Run every queued job to completion: a burst RQ worker on the real Redis queues in RQ mode
    (in this process, in its own app context and session, as a worker would), the in-process
    runner otherwise. Then the caller's session sees what the jobs committed."""
    if app.config["JOBS_MODE"] == "rq":
        with app.app_context():
            worker = SimpleWorker([rq_queue(app, q) for q in queues or QUEUES], connection=redis_connection(app))
            worker.work(burst=True)
    else:
        assert wait_idle(app, timeout)
    if has_app_context():
        db.session.rollback()
