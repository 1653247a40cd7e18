"""Periodic housekeeping jobs (scheduled by workers/cron.py); each wraps one service call."""

from __future__ import annotations

from flask import current_app

from models import db
from services import idempotency


def purge_face_evidence() -> int:
    from services.faces.checks import purge_evidence

    return purge_evidence()


def fail_stale_face_checks() -> int:
    from services.faces.checks import fail_stale_checks

    return fail_stale_checks()


def purge_idempotency_keys() -> int:
    removed = idempotency.purge_expired(current_app.config["IDEMPOTENCY_TTL_SECONDS"])
    db.session.commit()
    return removed
