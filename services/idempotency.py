"""Idempotency-Key: a repeated POST gets the first answer back, even when the two race.

The key row is inserted at the start of the request's own transaction. A concurrent twin
blocks on the unique index (MariaDB) or the write lock (SQLite) until the first commits,
then sees the stored answer. If the first request fails, its key row rolls back with
everything else and the retry runs afresh: nothing was written, so that is safe.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from models import IdempotencyRecord, db
from models.base import utcnow
from services import pii
from services.errors import Conflict, Unprocessable


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    body: str


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def _expired_before(ttl_seconds: int):
    return utcnow() - timedelta(seconds=ttl_seconds)


def claim(user_id: int, key: str, method: str, path: str, fingerprint: str, ttl_seconds: int
          ) -> IdempotencyRecord | StoredAnswer:
    """Claim the key for this request, or return the answer the first request stored."""
    if not 1 <= len(key) <= 128 or not key.isprintable():
        raise Unprocessable("IDEMPOTENCY_KEY_INVALID")
    # the path is kept for people reading the table; the fingerprint already covers all of it
    record = IdempotencyRecord(user_id=user_id, key=key, method=method, path=path[:255], request_hash=fingerprint)
    try:
        with db.session.begin_nested():
            db.session.add(record)
            db.session.flush()
        return record
    except IntegrityError:
        pass
    existing = db.session.execute(select(IdempotencyRecord).where(
        IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)).scalar_one()
    if existing.created_at < _expired_before(ttl_seconds):
        db.session.delete(existing)
        db.session.flush()
        return claim(user_id, key, method, path, fingerprint, ttl_seconds)
    if existing.request_hash != fingerprint:
        raise Unprocessable("IDEMPOTENCY_KEY_REUSED")
    if existing.status_code is None:
        raise Conflict("IDEMPOTENCY_IN_PROGRESS")
    body = pii.decrypt_str(existing.response_body, context=_body_context(existing)) if existing.response_body else ""
    return StoredAnswer(existing.status_code, body)


def _body_context(record: IdempotencyRecord) -> str:
    return pii.row_context("idempotency_keys", "response_body", record.id)


def store_answer(record: IdempotencyRecord, status: int, body: bytes) -> None:
    """Kept encrypted: answers carry personal data (names, masked ids, invitation codes)."""
    record.status_code = status
    record.response_body = pii.encrypt_str(body.decode("utf-8"), context=_body_context(record))
    db.session.flush()


def purge_expired(ttl_seconds: int) -> int:
    result = db.session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < _expired_before(ttl_seconds)))
    return int(result.rowcount or 0)
