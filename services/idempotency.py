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

from sqlalchemy import bindparam, delete, insert, select, update

from models import IdempotencyRecord, db
from models.base import utcnow
from services import pii
from services.errors import Conflict, Unprocessable


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    body: str


@dataclass(frozen=True)
class Claim:
    """This request holds the key (its row, inserted in the request's transaction)."""

    id: int


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def _expired_before(ttl_seconds: int):
    return utcnow() - timedelta(seconds=ttl_seconds)


_TABLE = IdempotencyRecord.__table__
# one round trip, no savepoint: a key already there (committed, or waited for) is skipped, not an error
_CLAIM = insert(_TABLE).prefix_with("IGNORE", dialect="mysql").prefix_with("OR IGNORE", dialect="sqlite")
_EXISTING = select(IdempotencyRecord.id, IdempotencyRecord.request_hash, IdempotencyRecord.status_code,
                   IdempotencyRecord.response_body, IdempotencyRecord.created_at).where(
    IdempotencyRecord.user_id == bindparam("user_id"), IdempotencyRecord.key == bindparam("key"))


def claim(user_id: int, key: str, method: str, path: str, fingerprint: str, ttl_seconds: int
          ) -> Claim | StoredAnswer:
    """Claim the key for this request, or return the answer the first request stored."""
    if not 1 <= len(key) <= 128 or not key.isprintable():
        raise Unprocessable("IDEMPOTENCY_KEY_INVALID")
    # the path is kept for people reading the table; the fingerprint already covers all of it
    inserted = db.session.execute(_CLAIM, {"user_id": user_id, "key": key, "method": method, "path": path[:255],
                                           "request_hash": fingerprint, "created_at": utcnow()})
    if inserted.rowcount == 1:
        return Claim(int(inserted.inserted_primary_key[0]))
    existing = db.session.execute(_EXISTING, {"user_id": user_id, "key": key}).one()
    if existing.created_at < _expired_before(ttl_seconds):
        db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == existing.id))
        return claim(user_id, key, method, path, fingerprint, ttl_seconds)
    if existing.request_hash != fingerprint:
        raise Unprocessable("IDEMPOTENCY_KEY_REUSED")
    if existing.status_code is None:
        raise Conflict("IDEMPOTENCY_IN_PROGRESS")
    body = pii.decrypt_str(existing.response_body, context=_body_context(existing.id)) if existing.response_body else ""
    return StoredAnswer(existing.status_code, body)


def _body_context(record_id: int) -> str:
    return pii.row_context("idempotency_keys", "response_body", record_id)


def store_answer(claimed: Claim, status: int, body: bytes) -> None:
    """Kept encrypted: answers carry personal data (names, masked ids, invitation codes)."""
    db.session.execute(update(_TABLE).where(_TABLE.c.id == claimed.id).values(
        status_code=status, response_body=pii.encrypt_str(body.decode("utf-8"), context=_body_context(claimed.id))))


def purge_expired(ttl_seconds: int) -> int:
    result = db.session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < _expired_before(ttl_seconds)))
    return int(result.rowcount or 0)
