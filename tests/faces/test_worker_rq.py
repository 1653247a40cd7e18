"""The production path against real Redis: RQ, the SiteRollWorker class, queue ``face``.

Skipped unless SITEROLL_TEST_REDIS_URL is set (CI sets it). Workers are real processes
(``rq worker -w workers.worker.SiteRollWorker face``) sharing the test database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import FaceCheck, FaceTemplate, db
from services.consents import grant_consent
from services.faces import checks
from tests.conftest import worker_env
from tests.faces.photos import face_bytes
from tests.faces.test_checks import consenting_worker, project_of
from tests.factories import make_user

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("SITEROLL_TEST_REDIS_URL"), reason="SITEROLL_TEST_REDIS_URL not set"
    ),
]
RQ = Path(sys.executable).with_name("rq")


@contextmanager
def face_worker(app, app_config, name: str) -> Iterator[subprocess.Popen]:
    from rq import Worker

    from infra.jobs import redis_connection

    proc = subprocess.Popen(
        [
            str(RQ),
            "worker",
            "-w",
            "workers.worker.SiteRollWorker",
            "--with-scheduler",
            "-u",
            app_config["REDIS_URL"],
            "--name",
            name,
            "face",
        ],
        env=worker_env(app_config),
        start_new_session=True,  # its own process group: --with-scheduler forks a scheduler child
    )
    try:
        deadline = time.monotonic() + 120
        while name not in {w.name for w in Worker.all(connection=redis_connection(app))}:
            assert proc.poll() is None and time.monotonic() < deadline, "face worker did not start"
            time.sleep(0.2)
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        # a worker killed mid-job leaves its scheduler child behind (orphaned, models loaded): end the group
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def wait_for(check_id: int, predicate, timeout: float = 90) -> FaceCheck:
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        check = db.session.get(FaceCheck, check_id)
        if predicate(check):
            return check
        assert time.monotonic() < deadline, (
            f"check {check_id}: status {check.status}, attempts {check.attempts}"
        )
        time.sleep(0.005)


def start(user, kind: str, *names: str) -> int:
    project_id = None if kind == "enroll" else project_of(user)
    check_id = checks.start_face_check(user.id, kind, [face_bytes(n) for n in names], project_id=project_id).id
    db.session.commit()  # hands the job to RQ
    return check_id


def test_face_worker_runs_enroll_and_clock(app, ctx, app_config) -> None:
    user = consenting_worker()
    with face_worker(app, app_config, f"face-test-{os.getpid()}"):
        enroll = wait_for(start(user, "enroll", "img1.jpg"), lambda c: c.status != "pending")
        clock = wait_for(start(user, "clock", "img2.jpg"), lambda c: c.status != "pending")
    assert (enroll.status, enroll.attempts) == ("passed", 1)
    assert clock.status == "passed" and clock.distance <= clock.threshold


def test_worker_killed_mid_job_is_retried_and_leaves_one_result(app, ctx, app_config) -> None:
    from rq.registry import StartedJobRegistry

    from infra.jobs import redis_connection, rq_queue

    user = make_user()
    grant_consent(user.id, "biometric", "v2")
    db.session.commit()
    with face_worker(app, app_config, f"face-doomed-{os.getpid()}") as doomed:
        # 3 challenge-sized frames would be slower; one enrollment is ~0.15 s: freeze the worker
        # the moment the attempt is recorded, and only go on if the result is not written yet
        check_id = start(user, "enroll", "img1.jpg")
        wait_for(check_id, lambda c: c.attempts >= 1, timeout=60)
        doomed.send_signal(signal.SIGSTOP)
        db.session.rollback()
        frozen = db.session.get(FaceCheck, check_id)
        if frozen.status != "pending":
            doomed.send_signal(signal.SIGCONT)
            pytest.skip("the job finished before the worker could be frozen; nothing was killed mid-run")
        doomed.send_signal(signal.SIGKILL)  # the worker process only, as the OOM killer would
        doomed.wait(timeout=30)
        db.session.rollback()
        assert db.session.get(FaceCheck, check_id).status == "pending"

        # what RQ's maintenance does with an abandoned job: retry it under its Retry policy. The
        # dead worker's scheduler process lives on and holds the scheduler lock, so it is the one
        # that enqueues the retry; leaving this block ends it.
        queue = rq_queue(app, "face")
        StartedJobRegistry(queue=queue, connection=redis_connection(app)).cleanup(timestamp=time.time() + 3600)
        with face_worker(app, app_config, f"face-rescue-{os.getpid()}"):
            done = wait_for(check_id, lambda c: c.status != "pending", timeout=120)
    assert (done.status, done.attempts) == ("passed", 2)
    templates = select(func.count()).select_from(FaceTemplate).where(FaceTemplate.user_id == user.id)
    assert db.session.scalar(templates) == 1
