"""Periodic housekeeping jobs (scheduled by workers/cron.py, run by hand with the CLI)."""

from __future__ import annotations

from datetime import timedelta

from services import idempotency
from services.faces import job, retention
from services.retention.job import apply_retention
from services.settings import settings
from services.storage import maintenance as storage
from workers import commits


@commits
def purge_face_evidence(days: int | None = None) -> int:
    return retention.purge_evidence(days=days)


@commits
def fail_stale_face_checks(minutes: int = 30) -> int:
    return job.fail_stale_checks(timedelta(minutes=minutes))


@commits
def sweep_storage_orphans() -> int:
    """Objects whose row never committed (or whose delete failed), older than a day."""
    return storage.sweep_orphans()


@commits
def purge_idempotency_keys() -> int:
    return idempotency.purge_expired(settings().idempotency_ttl_seconds)


@commits
def apply_retention_job() -> dict[str, int]:
    """The retention table's daily run (services/retention): deletes what is due, audited."""
    return apply_retention()
