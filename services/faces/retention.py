"""What the face area keeps, and for how long: evidence photos, checks whose job never ended."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from models import db
from models.base import utcnow
from models.faces import FaceCheck, FaceEvidence
from services import audit
from services.settings import settings
from services.storage import objects


def purge_frames(evidence_ids: Any, now: datetime) -> int:
    """Clear the rows' photos (flush) and delete their objects after the commit: the retention
    purge, the enrollment job and a consent withdrawal all come through here."""
    rows = db.session.execute(
        select(FaceEvidence.id, FaceEvidence.photo_object_id)
        .where(FaceEvidence.id.in_(evidence_ids), FaceEvidence.purged_at.is_(None))
    ).all()
    if not rows:
        return 0
    ids = [r.id for r in rows]
    for start in range(0, len(ids), 500):
        db.session.execute(update(FaceEvidence).where(FaceEvidence.id.in_(ids[start:start + 500]))
                           .values(photo_object_id=None, purged_at=now))
    objects.discard(r.photo_object_id for r in rows)
    return len(rows)


def purge_evidence(now: datetime | None = None, days: int | None = None) -> int:
    """Drop the photos of checks that no record took (a clock never recorded, a signature never made)
    older than the retention period. A photo a clock or a contract holds is attendance or signing
    evidence: it goes by the retention table (services/retention), tied to its project or contract."""
    now = now or utcnow()
    cutoff = now - timedelta(days=settings().faces.retention_days if days is None else days)
    unclaimed = select(FaceCheck.id).where(FaceCheck.purpose_id.is_(None))
    stale = select(FaceEvidence.id).where(FaceEvidence.purged_at.is_(None), FaceEvidence.created_at <= cutoff,
                                          FaceEvidence.check_id.in_(unclaimed))
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
