"""Photos of ID cards and paper consent forms: checked, encrypted and bound to their row
in the object store (services/storage) as face evidence is, with the row's context as associated data,
so an object pointed at from another row does not decrypt."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select, update

from models import IdentityVerification, db
from services import pii
from services.errors import Unprocessable
from services.storage import objects

PHOTO_MAX_BYTES = 8 * 1024 * 1024
MAGICS = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def check_photo(data: bytes, field: str) -> None:
    bad = Unprocessable("PHOTO_INVALID", details={
        "fields": [{"loc": field, "type": "photo_invalid", "msg": "需为 JPEG 或 PNG 图片，且不超过 8MB"}]})
    if not data.startswith(MAGICS) or len(data) > PHOTO_MAX_BYTES:
        raise bad
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise bad from exc


def store_photo(data: bytes, table: str, column: str, row_id: int) -> int:
    """Encrypt the photo into the object store (object first; 503 STORAGE_UNAVAILABLE when the store does
    not take it) and return its ``stored_objects`` id. The context is the AES-GCM associated data the
    old ``*_enc`` column used (services/storage/legacy.py keeps it for the values it moves)."""
    return objects.put(data, context=pii.row_context(table, column, row_id)).id  # JPEG or PNG: sniffed


def purge_document_photos(verification_ids: Iterable[int], now: datetime) -> int:
    """Clear the verifications' ID-card photos (flush) and delete their objects after the commit:
    the retention job comes through here, as face evidence goes through faces.retention.purge_frames."""
    rows = db.session.execute(select(IdentityVerification.id, IdentityVerification.document_photo_object_id).where(
        IdentityVerification.id.in_(list(verification_ids)),
        IdentityVerification.document_photo_object_id.is_not(None))).all()
    if not rows:
        return 0
    ids = [r.id for r in rows]
    for start in range(0, len(ids), 500):
        db.session.execute(update(IdentityVerification).where(IdentityVerification.id.in_(ids[start:start + 500]))
                           .values(document_photo_object_id=None, document_photo_purged_at=now))
    objects.discard(r.document_photo_object_id for r in rows)
    return len(rows)
