"""What the face area keeps, and for how long: evidence photos, checks whose job never ended."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from models import db
from models.base import utcnow
from models.faces import FaceEvidence
from services import audit
from services.settings import settings


def purge_frames(evidence_ids: Any, now: datetime) -> int:
    result = db.session.execute(
        update(FaceEvidence)
        .where(FaceEvidence.id.in_(evidence_ids), FaceEvidence.purged_at.is_(None))
        .values(photo_enc=None, purged_at=now)
    )
    return result.rowcount


def purge_evidence(now: datetime | None = None, days: int | None = None) -> int:
    """Drop the photos of clock-in / contract checks older than the retention period."""
    now = now or utcnow()
    cutoff = now - timedelta(days=settings().faces.retention_days if days is None else days)
    stale = select(FaceEvidence.id).where(FaceEvidence.purged_at.is_(None), FaceEvidence.created_at <= cutoff)
    count = purge_frames(stale, now)
    if count:
        audit.record(
            "face.evidence_purged",
            actor_user_id=None,
            object_type="face_evidence",
            object_id=None,
            details={"photos": count, "cutoff": cutoff.isoformat()},
        )
    return count
