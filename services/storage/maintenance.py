"""Keeping the store and the ``stored_objects`` rows in step: the orphan sweeper and the check.

An object is written before its row commits, so a rolled-back request, a crashed process or a
delete that failed after the commit leaves an object without a row. The sweeper deletes those
once they are older than a day: a younger one may belong to a transaction still open.
"""

from __future__ import annotations

import hashlib
import logging
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice

from sqlalchemy import func, select

from models import db
from models.base import utcnow
from models.storage import StoredObject
from services.storage import objects
from services.storage.backends import ObjectMissing, StorageUnavailable
from services.storage.store import store

log = logging.getLogger(__name__)
ORPHAN_AGE = timedelta(days=1)
BATCH = 500


def _batches(items: Iterable[str], size: int) -> Iterator[list[str]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def sweep_orphans(now: datetime | None = None, older_than: timedelta = ORPHAN_AGE) -> int:
    """Delete objects older than ``older_than`` that no row points at. Returns how many."""
    cutoff = (now or utcnow()) - older_than
    removed = 0
    for batch in _batches(store().keys_older_than(cutoff), BATCH):
        known = set(db.session.execute(select(StoredObject.key).where(StoredObject.key.in_(batch))).scalars())
        removed += objects.delete_now(k for k in batch if k not in known)
    return removed


@dataclass
class VerifyReport:
    checked: int = 0
    ok: int = 0
    missing: list[int] = field(default_factory=list)
    corrupt: list[int] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.missing and not self.corrupt


def verify(sample: int | None = None, progress: Callable[[int], None] | None = None) -> VerifyReport:
    """Re-read objects (a random sample, or all when ``sample`` is None), decrypt them (the
    AES-GCM tag) and compare each SHA-256 with the row's."""
    ids = list(db.session.execute(select(StoredObject.id).order_by(StoredObject.id)).scalars())
    if sample is not None and sample < len(ids):
        ids = sorted(random.sample(ids, sample))
    report = VerifyReport()
    for start in range(0, len(ids), BATCH):
        rows = db.session.execute(select(StoredObject).where(StoredObject.id.in_(ids[start:start + BATCH]))).scalars()
        for row in rows:
            report.checked += 1
            try:
                clear = objects.decrypt(row, store().get(row.key))
            except ObjectMissing:
                report.missing.append(row.id)
                continue
            except StorageUnavailable:
                raise
            except Exception:  # noqa: BLE001 - InvalidTag (altered, or under another key), unknown key id
                report.corrupt.append(row.id)
                continue
            if hashlib.sha256(clear).hexdigest() == row.sha256 and len(clear) == row.size_bytes:
                report.ok += 1
            else:
                report.corrupt.append(row.id)
        db.session.expunge_all()  # a full check of millions of rows must not grow the session
        if progress:
            progress(len(ids[start:start + BATCH]))
    return report


def object_count() -> int:
    return int(db.session.execute(select(func.count()).select_from(StoredObject)).scalar_one())


def health() -> dict[str, object]:
    """The store for /healthz: every photo upload and every kept PDF needs it, so a store that does
    not answer makes the app unhealthy (503), as the database and Redis do. A HEAD on the bucket
    (S3, one attempt, 2 s) or a temporary file created and removed (folder): nothing left behind.
    ``backend`` is for the log, not for the anonymous answer."""
    backend = store()
    try:
        backend.ping()
    except Exception as exc:  # noqa: BLE001 - StorageUnavailable, or whatever the client raised
        cause = exc.__cause__ or exc
        log.warning("health: the object store (%s) does not answer: %s", backend.name, type(cause).__name__)
        return {"ok": False, "backend": backend.name, "error": type(cause).__name__}
    return {"ok": True, "backend": backend.name}
