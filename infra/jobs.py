"""Background jobs, one call for both modes.

Production: RQ on Redis (``rq worker -w workers.worker.SiteRollWorker default face``).
Embedded: the same job function runs on an in-process thread, inside an app context.
Either way the job is handed over only after the current transaction commits, so it
always finds the rows the request wrote.
"""

from __future__ import annotations

import importlib
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event

from config import config_flag
from models import db

log = logging.getLogger(__name__)

QUEUES = ("default", "face")


@dataclass
class _Pending:
    func: str  # dotted name, "workers.faces.face_check_job": resolved where the job runs
    args: tuple[Any, ...]
    queue: str
    retry_max: int
    timeout: int
    job_id: str | None


def enqueue(func: str, *args: Any, queue: str = "default", retry_max: int = 3,
            timeout: int = 120, job_id: str | None = None) -> None:
    """Hand a job over once the current transaction commits (dropped if it rolls back).

    ``func`` is the job's dotted name, as RQ stores it: the caller never imports the worker
    module, so services do not depend on workers.
    """
    if not isinstance(func, str) or "." not in func:
        raise TypeError(f"enqueue takes a job's dotted name, not {func!r}")
    pending = _Pending(func, args, queue, retry_max, timeout, job_id)
    session = db.session()
    jobs: list[_Pending] = session.info.setdefault("siteroll_jobs", [])
    jobs.append(pending)


def _dispatch(app: Flask, pending: _Pending) -> None:
    if app.config["JOBS_MODE"] == "rq":
        from rq import Retry

        q = rq_queue(app, pending.queue)
        intervals = [10, 30, 90][: max(pending.retry_max, 1)]
        q.enqueue(
            pending.func, *pending.args, job_id=pending.job_id, job_timeout=pending.timeout,
            retry=Retry(max=pending.retry_max, interval=intervals) if pending.retry_max else None,
            failure_ttl=7 * 24 * 3600,
            # RQ logs the description; by default it spells out the arguments
            description=pending.func,
        )
    else:
        app.extensions["siteroll_inprocess_jobs"].submit(pending)


def init_app(app: Flask) -> None:
    if app.config["JOBS_MODE"] != "rq":
        runner = InProcessRunner(app)
        app.extensions["siteroll_inprocess_jobs"] = runner
        if config_flag(app.config.get("FACE_WARM_UP_ON_START")):
            runner.submit(_Pending("services.faces.runtime.warm_up", (), "face", 0, 600, None))
        if config_flag(app.config.get("EMBEDDED_PERIODIC_JOBS", True)):
            from infra.periodic import start_when_serving

            start_when_serving(app, lambda name: runner.submit(_Pending(name, (), "default", 0, 600, None)))
    _install_session_hooks()


_hooks_installed = False


def _install_session_hooks() -> None:
    # db.session is one scoped_session for every app, so the hooks go on once.
    global _hooks_installed
    if _hooks_installed:
        return
    _hooks_installed = True

    @event.listens_for(db.session, "after_commit")
    def _after_commit(session) -> None:
        jobs = session.info.pop("siteroll_jobs", [])
        if not jobs:
            return
        target = current_app._get_current_object()  # type: ignore[attr-defined]
        for pending in jobs:
            try:
                _dispatch(target, pending)
            except Exception:
                # The rows are committed already; failing the request now would only make the
                # client retry work that is done. Face checks left pending are closed by the
                # fail-stale sweep (workers/cron.py); the log says which job was lost (its name,
                # not its arguments: they can be personal data).
                log.exception("could not enqueue %s (job id %s) after commit", pending.func, pending.job_id)

    @event.listens_for(db.session, "after_soft_rollback")
    def _after_rollback(session, _previous_transaction) -> None:
        session.info.pop("siteroll_jobs", None)


def resolve(dotted: str) -> Callable[..., Any]:
    """The function a dotted job name points at (what RQ's worker does with ``job.func_name``)."""
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def redis_connection(app: Flask):
    from redis import Redis

    conn = app.extensions.get("siteroll_redis")
    if conn is None:
        conn = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5)
        app.extensions["siteroll_redis"] = conn
    return conn


def rq_queue(app: Flask, name: str):
    from rq import Queue

    return Queue(name, connection=redis_connection(app))


class InProcessRunner:
    """One daemon thread that runs jobs in order, with the same retry count RQ would use."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._queue: queue.Queue[_Pending] = queue.Queue()
        self._idle = threading.Condition()
        self._busy = 0
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, pending: _Pending) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="siteroll-jobs", daemon=True)
                self._thread.start()
        with self._idle:
            self._busy += 1
        self._queue.put(pending)

    def _run(self) -> None:
        while True:
            pending = self._queue.get()
            try:
                for attempt in range(pending.retry_max + 1):
                    try:
                        with self.app.app_context():
                            resolve(pending.func)(*pending.args)
                        break
                    except Exception:
                        log.exception("job %s failed (attempt %d)", pending.func, attempt + 1)
            finally:
                with self._idle:
                    self._busy -= 1
                    self._idle.notify_all()

    def wait_idle(self, timeout: float = 60) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout=timeout)

    def depth(self) -> int:
        return self._busy


def wait_idle(app: Flask, timeout: float = 60) -> bool:
    """Embedded mode: block until queued jobs ran (tests, CLI)."""
    runner: InProcessRunner | None = app.extensions.get("siteroll_inprocess_jobs")
    return True if runner is None else runner.wait_idle(timeout)


def queue_depths(app: Flask) -> dict[str, int]:
    if app.config["JOBS_MODE"] == "rq":
        return {name: rq_queue(app, name).count for name in QUEUES}
    return {"inprocess": app.extensions["siteroll_inprocess_jobs"].depth()}

