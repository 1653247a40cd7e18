"""Redis down at the gate: the selfie and the clock are stored and answered 202; when Redis is
back the sweeper enqueues what waited and the clock is decided. A real redis-server of the
test's own is stopped and started again (the shared one stays up for the other helpers)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from redis import Redis

from models import db
from models.attendance import Clock
from services.attendance import sweeper
from tests.attendance.conftest import settle

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.environ.get("SITEROLL_TEST_REDIS_URL"), reason="RQ mode only (Redis)"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server not installed"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def redis_server(port: int) -> Iterator[subprocess.Popen]:
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                Redis(port=port, socket_connect_timeout=0.2).ping()
                break
            except Exception:
                assert time.monotonic() < deadline and proc.poll() is None, "redis-server did not start"
                time.sleep(0.05)
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextmanager
def app_on_redis(app, port: int) -> Iterator[None]:
    saved = app.config["REDIS_URL"], app.extensions.get("siteroll_redis")
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    app.extensions["siteroll_redis"] = Redis(port=port, socket_connect_timeout=0.5, socket_timeout=1)
    try:
        yield
    finally:
        app.config["REDIS_URL"], app.extensions["siteroll_redis"] = saved


def test_clock_kept_while_redis_is_down_and_decided_after_restart(app, client, worker_site):
    site = worker_site
    port = free_port()
    with app_on_redis(app, port):
        with redis_server(port):
            pass  # it ran, and is stopped now: the app's Redis is down
        resp = site.clock(client)  # the selfie upload and the clock both answer 202
        assert resp.status_code == 202 and resp.get_json()["status"] == "pending"
        clock_id = resp.get_json()["id"]
        with app.app_context():
            sweeper.sweep(grace=timedelta(0))  # a sweep while Redis is still down loses nothing either
            db.session.commit()
            assert db.session.get(Clock, clock_id).status == "pending"
        with redis_server(port), app.app_context():
            assert Redis(port=port).llen("rq:queue:face") == 0  # the job was lost with Redis
            assert sweeper.sweep(grace=timedelta(0)) == {"requeued": 1}
            db.session.commit()  # what the cron job's wrapper does: hands the job to RQ
            settle(app)
            assert db.session.get(Clock, clock_id).status == "accepted"
    assert site.get_clock(client, clock_id)["status"] == "accepted"
