"""Sealed records: content whose SHA-256 was written to the audit chain when it became final
(a signed contract). `flask audit verify` recomputes each one, so an edit in the database shows.

Areas register how to recompute their record's hash; this module knows none of them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from models import AuditEntry, db
from services import audit

SEALED = "record.sealed"
# object_type -> fn(object_id) -> the record's current content hash, or None if it no longer stands
RECOMPUTE: dict[str, Callable[[int], str | None]] = {}


def register(object_type: str, recompute: Callable[[int], str | None]) -> None:
    RECOMPUTE[object_type] = recompute


def seal(object_type: str, object_id: int, sha256: str, *, actor_user_id: int | None) -> None:
    audit.record(SEALED, actor_user_id=actor_user_id, object_type=object_type, object_id=object_id,
                 details={"sha256": sha256})


@dataclass(frozen=True)
class Broken:
    object_type: str
    object_id: str
    reason: str


def verify_seals() -> tuple[int, list[Broken]]:
    entries = db.session.execute(select(AuditEntry).where(AuditEntry.action == SEALED).order_by(AuditEntry.seq)
                                 ).scalars().all()
    broken = []
    for entry in entries:
        recompute = RECOMPUTE.get(entry.object_type)
        if recompute is None or entry.object_id is None:
            broken.append(Broken(entry.object_type, str(entry.object_id), "no verifier for this record type"))
            continue
        current = recompute(int(entry.object_id))
        if current is None:
            broken.append(Broken(entry.object_type, entry.object_id, "record missing or no longer sealed"))
        elif current != json.loads(entry.details)["sha256"]:
            broken.append(Broken(entry.object_type, entry.object_id, "content differs from the sealed hash"))
    return len(entries), broken
