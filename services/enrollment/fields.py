"""How a profile's encrypted fields are bound to their row: the one place that decides it (the
profile, the card index, payroll's bank file and wage sheet all decrypt with it)."""

from __future__ import annotations

from services import pii


def field_context(field: str, profile_id: int) -> str:
    return pii.row_context("worker_profiles", f"{field}_enc", profile_id)
