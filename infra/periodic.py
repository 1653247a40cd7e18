"""The embedded mode's stand-in for ``rq cron`` (workers/cron.py): the same housekeeping jobs
(evidence photo purge, stale face checks, idempotency keys, clocks left waiting) through the in-process runner,
once when the app starts serving and then on their interval. Without it a demo left running
would keep face photos past their retention period.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from flask import Flask

# dotted job name -> seconds between runs (workers/cron.py has the production schedule)
PERIODIC_JOBS: tuple[tuple[str, int], ...] = (
    ("workers.maintenance.purge_face_evidence", 24 * 3600),
    ("workers.maintenance.fail_stale_face_checks", 30 * 60),
    ("workers.maintenance.purge_idempotency_keys", 24 * 3600),
    ("workers.maintenance.apply_retention_job", 24 * 3600),
    ("workers.maintenance.sweep_storage_orphans", 24 * 3600),
    ("workers.attendance.sweep_waiting_clocks", 60),
    ("workers.oversight.push_outbox_job", 60),
    ("workers.oversight.refresh_warnings_job", 24 * 3600),
)


class PeriodicJobs(threading.Thread):
    def __init__(self, submit: Callable[[str], None], jobs: tuple[tuple[str, int], ...] = PERIODIC_JOBS) -> None:
        super().__init__(name="siteroll-periodic", daemon=True)
        self._submit, self._jobs = submit, jobs
        self._stop = threading.Event()

    def run(self) -> None:
        due = {name: 0.0 for name, _ in self._jobs}  # all due at start
        while not self._stop.is_set():
            now = time.monotonic()
            for name, every in self._jobs:
                if now >= due[name]:
                    self._submit(name)
                    due[name] = now + every
            self._stop.wait(max(1.0, min(due.values()) - time.monotonic()))

    def stop(self) -> None:
        self._stop.set()


def start_when_serving(app: Flask, submit: Callable[[str], None]) -> None:
    """Start on the first request, so CLI commands (``flask db upgrade``) never run the jobs."""
    lock = threading.Lock()

    @app.before_request
    def _start_periodic_jobs() -> None:
        if "siteroll_periodic_jobs" in app.extensions:
            return
        with lock:
            if "siteroll_periodic_jobs" not in app.extensions:
                thread = PeriodicJobs(submit)
                app.extensions["siteroll_periodic_jobs"] = thread
                thread.start()
