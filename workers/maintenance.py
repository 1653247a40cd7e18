"""Periodic housekeeping jobs (scheduled by workers/cron.py, run by hand with the CLI)."""

from __future__ import annotations

from datetime import timedelta

from services import idempotency
from services.faces import job, retention
from services.settings import settings
from workers import commits


@commits
def purge_face_evidence(days: int | None = None) -> int:
    return retention.purge_evidence(days=days)


@commits
def fail_stale_face_checks(minutes: int = 30) -> int:
    return job.fail_stale_checks(timedelta(minutes=minutes))


@commits
def purge_idempotency_keys() -> int:
    return idempotency.purge_expired(settings().idempotency_ttl_seconds)
