"""Encrypted objects tied to rows: what every area calls to keep a photo, a signature or a PDF.

``put`` encrypts (AES-GCM, the PII key ring, a fresh nonce) **before** the bytes leave the app,
writes the object, and only then adds its ``stored_objects`` row (flush, never commit): if the
caller's transaction rolls back, the object is an orphan the sweeper deletes (maintenance.py).
The associated data is the owner's row context and the object key, so an object copied under
another key, or a row pointed at another object, no longer decrypts. ``discard`` deletes the
rows now and the objects after the commit; a failed delete leaves an orphan for the sweeper.

Adopting it is one line where an area used ``pii.encrypt_bytes``::

    row.photo_object_id = objects.put(data, context=f"id_checks:{row.id}", content_type="image/jpeg").id

and ``objects.read(row.photo_object_id)`` to read it back (docs/storage.md).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import secrets
from collections.abc import Iterable, Iterator
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from models import db
from models.storage import StoredObject
from services.pii import keyring
from services.storage.backends import CHUNK
from services.storage.store import store

log = logging.getLogger(__name__)

_DELETES = "siteroll_storage_deletes"
TAG = 16
_hooks_installed = False


def new_key() -> str:
    """Random, 128 bits: nothing about the person or the row can be read from a key."""
    name = secrets.token_hex(16)
    return f"o/{name[:2]}/{name}"


def _aad(context: str, key: str) -> bytes:
    return f"{context}|{key}".encode()


def sniff_type(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"%PDF"):
        return "application/pdf"
    return "application/octet-stream"


def seal(data: bytes, *, context: str, content_type: str | None = None) -> tuple[dict[str, Any], bytes]:
    """The row's values and the ciphertext for a new object (nothing written yet)."""
    ring = keyring()
    key, nonce = new_key(), os.urandom(12)
    sealed = AESGCM(ring.keys[ring.active_id]).encrypt(nonce, data, _aad(context, key))
    values = {"key": key, "context": context, "content_type": content_type or sniff_type(data),
              "size_bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
              "envelope": f"v1.{ring.active_id}.{base64.b64encode(nonce).decode()}"}
    return values, sealed


def put(data: bytes, *, context: str, content_type: str | None = None) -> StoredObject:
    """Encrypt, write the object, then add its row (flush). Raises StorageUnavailable (503)
    before anything is added to the session when the store does not take it."""
    values, sealed = seal(data, context=context, content_type=content_type)
    store().put(values["key"], sealed, "application/octet-stream")  # the store sees ciphertext only
    row = StoredObject(**values)
    db.session.add(row)
    db.session.flush()
    return row


def put_many(items: list[bytes], *, context: str) -> list[StoredObject]:
    """Several objects of one row (a burst of frames): all or none, as far as the store allows.
    The ones written before a failure are deleted at once (else the sweeper would, a day later)."""
    rows: list[StoredObject] = []
    try:
        for data in items:
            rows.append(put(data, context=context))
    except Exception:
        delete_now([row.key for row in rows])
        raise
    return rows


def _envelope(row: StoredObject) -> tuple[bytes, bytes]:
    version, kid, nonce = row.envelope.split(".", 2)
    if version != "v1":
        raise ValueError(f"unknown envelope version {version}")
    return keyring().keys[kid], base64.b64decode(nonce)


def get_row(object_id: int | None) -> StoredObject | None:
    return None if object_id is None else db.session.get(StoredObject, object_id)


def read(object_id: int | None) -> bytes | None:
    """The clear bytes (the tag checked), or None when there is no object."""
    row = get_row(object_id)
    if row is None:
        return None
    return decrypt(row, store().get(row.key))


def decrypt(row: StoredObject, sealed: bytes) -> bytes:
    key, nonce = _envelope(row)
    return AESGCM(key).decrypt(nonce, sealed, _aad(row.context, row.key))


def stream(row: StoredObject) -> Iterator[bytes]:
    """The clear bytes in chunks, for downloads: the object is never whole in memory. The tag is
    checked at the end; a tampered object ends the stream with an error instead of a last chunk.
    The store is opened now (StorageUnavailable is a 503 before the answer starts); the chunks
    need neither the app context nor the session, so a response can send them after teardown."""
    key, nonce = _envelope(row)
    return _decrypting(store().open(row.key), key, nonce, _aad(row.context, row.key), row.key)


def _decrypting(chunks: Iterator[bytes], key: bytes, nonce: bytes, aad: bytes, name: str) -> Iterator[bytes]:
    decryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).decryptor()
    decryptor.authenticate_additional_data(aad)
    held = b""
    for chunk in chunks:
        held += chunk
        if len(held) > TAG + CHUNK:
            out, held = held[:-TAG], held[-TAG:]
            yield decryptor.update(out)
    if len(held) < TAG:
        raise ValueError(f"object {name} is truncated")
    last = decryptor.update(held[:-TAG])
    decryptor.finalize_with_tag(held[-TAG:])
    if last:
        yield last


def signed_url(object_id: int, seconds: int) -> str | None:
    """The store's short-lived link to the object's stored (encrypted) bytes."""
    row = get_row(object_id)
    return None if row is None else store().signed_url(row.key, seconds)


def discard(object_ids: Iterable[int | None]) -> int:
    """Delete the rows (flush) and, after the commit, the objects. The caller has already
    cleared its references to them (the foreign keys point at these rows)."""
    ids = [i for i in object_ids if i is not None]
    if not ids:
        return 0
    install_session_hooks()
    keys = list(db.session.execute(select(StoredObject.key).where(StoredObject.id.in_(ids))).scalars())
    db.session.execute(delete(StoredObject).where(StoredObject.id.in_(ids)))
    db.session.info.setdefault(_DELETES, []).extend(keys)
    return len(keys)


def replace(row: Any, field: str, data: bytes, *, context: str, content_type: str | None = None) -> StoredObject:
    """Point ``row.<field>`` at a new object holding ``data``: the object is written first (the store
    down raises before the row changes), the row flushed, then the object it pointed at before is
    discarded (deleted after the commit)."""
    previous = getattr(row, field)
    stored = put(data, context=context, content_type=content_type)
    setattr(row, field, stored.id)
    db.session.flush()  # the row points at the new object before the old one goes
    discard([previous])
    return stored


def delete_now(keys: Iterable[str]) -> int:
    """Delete objects whose rows are gone (committed). A failure is logged: the sweeper retries."""
    done, backend = 0, store()
    for key in keys:
        try:
            backend.delete(key)
            done += 1
        except Exception:  # noqa: BLE001 - the row is gone; an orphan is swept later
            log.warning("could not delete object %s now; the orphan sweeper will", key, exc_info=True)
    return done


def install_session_hooks() -> None:
    """Once per process (db.session is one scoped session for every app)."""
    global _hooks_installed
    if _hooks_installed:
        return
    _hooks_installed = True

    @event.listens_for(db.session, "after_commit")
    def _after_commit(session: Session) -> None:
        keys = session.info.pop(_DELETES, None)
        if keys:
            delete_now(keys)

    @event.listens_for(db.session, "after_soft_rollback")
    def _after_rollback(session: Session, _previous: Any) -> None:
        session.info.pop(_DELETES, None)

