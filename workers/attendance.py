"""RQ job functions of the attendance area: thin, the rules live in services.attendance."""

from __future__ import annotations

from services.attendance import buddy, sweeper
from workers import commits


@commits
def buddy_search_job(clock_id: int) -> int | None:
    """Queue ``face``: whose face a mismatched clock selfie is (flags the clock)."""
    return buddy.search_buddy(clock_id)


@commits
def sweep_waiting_clocks() -> dict[str, int]:
    """Every minute (workers/cron.py): re-enqueue what waited while Redis was down (the commit hands them over)."""
    return sweeper.sweep()
