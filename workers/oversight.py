"""RQ jobs of the oversight area (scheduled in workers/cron.py): thin, each commits its work."""

from __future__ import annotations

from models import db
from services.oversight import warnings
from services.platform_push import outbox


def refresh_warnings_job() -> dict[str, int]:
    """Daily: recompute every warning rule for every project."""
    totals = warnings.refresh_warnings()
    db.session.commit()
    return totals


def push_outbox_job() -> dict[str, int]:
    """Every minute: collect new facts into the outbox, then hand the due ones to delivery jobs."""
    added = outbox.collect()
    db.session.commit()
    due = outbox.enqueue_due()
    db.session.commit()  # the delivery jobs are handed over on commit
    return {"added": added, "enqueued": due}


def deliver_push_job(event_id: int) -> str:
    status = outbox.deliver(event_id)
    db.session.commit()
    return status
