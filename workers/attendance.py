"""RQ job functions of the attendance area: thin, the rules live in services.attendance."""

from __future__ import annotations

from models import db
from services.attendance import buddy, sweeper


def buddy_search_job(clock_id: int) -> int | None:
    """Queue ``face``: whose face a mismatched clock selfie is (flags the clock)."""
    matched = buddy.search_buddy(clock_id)
    db.session.commit()
    return matched


def sweep_waiting_clocks() -> dict[str, int]:
    """Every minute (workers/cron.py): re-enqueue what waited while Redis was down."""
    counts = sweeper.sweep()
    db.session.commit()  # hands the jobs over
    return counts
