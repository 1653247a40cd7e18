"""The daily retention job and its report (``flask retention report``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import delete

from models import db
from models.base import utcnow
from models.faces import FaceTemplate
from services import audit
from services.days import business_day
from services.faces.retention import purge_frames
from services.identity.photos import purge_document_photos
from services.retention import due
from services.retention.policy import BY_TYPE


def apply_retention(today: date | None = None) -> dict[str, int]:
    """Delete every row that is due and no rule still needs; one audit entry per record type."""
    today = today or business_day()
    now = utcnow()
    ripe: dict[str, list[int]] = defaultdict(list)
    kept: Counter[str] = Counter()
    for item in due.everything():
        if item.due_on is None or item.due_on > today:
            continue
        if item.kept_because:
            kept[item.record_type] += 1
            continue
        ripe[item.record_type].append(item.row_id)
    done: dict[str, int] = {}
    photos = ripe["clock_photo"] + ripe["contract_photo"]
    if photos:
        purge_frames(photos, now)  # rows now, their objects after the commit
    if ripe["face_template"]:
        db.session.execute(delete(FaceTemplate).where(FaceTemplate.user_id.in_(ripe["face_template"])))
    if ripe["id_card_photo"]:
        purge_document_photos(ripe["id_card_photo"], now)  # rows now, their objects after the commit
    db.session.flush()
    for record_type, ids in ripe.items():
        if not ids:
            continue
        done[record_type] = len(ids)
        audit.record("retention.deleted", actor_user_id=None, object_type=record_type, object_id=None,
                     details={"count": len(ids), "ids": ids[:200], "basis": BY_TYPE[record_type].basis,
                              "today": today.isoformat()})
    if kept:
        audit.record("retention.kept", actor_user_id=None, object_type="retention", object_id=None,
                     details={"still_needed": dict(kept), "today": today.isoformat()})
    return done


def report(today: date | None = None) -> list[tuple[str, str, int]]:
    """(record type, when it goes, how many): due now, kept past due (and why), dated, not yet dated."""
    today = today or business_day()
    counts: Counter[tuple[str, str]] = Counter()
    for item in due.everything():
        if item.due_on is None:
            when = "未定（项目未竣工或工资未结清 / 仍在项目中）"
        elif item.kept_because and item.due_on <= today:
            when = f"到期但保留：{item.kept_because}"
        elif item.due_on <= today:
            when = "今天删除"
        else:
            when = item.due_on.isoformat()
        counts[(item.record_type, when)] += 1
    return sorted(((t, w, n) for (t, w), n in counts.items()), key=lambda r: (r[0], r[1]))
