"""Tamper-evident audit log: every entry MACs the previous entry's hash and its own content.

The MAC key (SITEROLL_AUDIT_KEY) lives outside the database, so someone who can write the
tables cannot forge a consistent chain. What they can still do is cut it: delete the tail and
move the head row back. So every commit that appended entries also appends a signed checkpoint
(sequence, hash, time) to a file outside the database (services/audit_checkpoints.py), and
verification holds the chain against the newest checkpoint.

``record`` only buffers; the transaction's entries are chained and written when it commits
(services/audit_buffer.py), so the head row lock is held for the commit, not the request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from models import AuditEntry, AuditHead, db
from models.base import read_only_transactions, utcnow
from services import audit_buffer
from services.audit_checkpoints import AuditSettings, Checkpoint, checkpoint_reader, pending_checkpoint
from services.settings import settings

GENESIS = "0" * 64


def canonical(entry: AuditEntry) -> str:
    return json.dumps(
        {
            "seq": entry.seq,
            "occurred_at": entry.occurred_at.isoformat(timespec="microseconds"),
            "actor": entry.actor_user_id,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "details": entry.details,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _settings() -> AuditSettings:
    return settings().audit


def chain_hash(prev_hash: str, entry: AuditEntry, key: bytes | None = None) -> str:
    key = _settings().key if key is None else key
    return hmac.new(key, (prev_hash + canonical(entry)).encode(), hashlib.sha256).hexdigest()


def _create_head() -> None:
    """The chain's head row, made once (migrations seed it; a create_all database may lack it)."""
    if db.session.get_bind().dialect.name == "sqlite":
        # BEGIN IMMEDIATE already admits one writer at a time: create it in this transaction
        with db.session.begin_nested():
            db.session.execute(insert(AuditHead.__table__).values(id=1, seq=0, hash=GENESIS))
        return
    # Elsewhere on its own connection, committed at once: racing appenders that created it
    # inside their own transactions would deadlock upgrading their duplicate-key locks.
    with db.engine.begin() as conn:
        conn.execute(insert(AuditHead).prefix_with("IGNORE").values(id=1, seq=0, hash=GENESIS))


_HEAD = select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update()


def _locked_head(session: Session) -> tuple[int, str]:
    head = session.execute(_HEAD).one_or_none()
    if head is None:
        _create_head()
        head = session.execute(_HEAD).one()
    return int(head.seq), str(head.hash)


def record(action: str, *, actor_user_id: int | None, object_type: str, object_id: int | str | None,
           details: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry to the caller's transaction. It is chained (seq, hash) when the transaction
    commits, or earlier if the transaction reads the log (services/audit_buffer.py)."""
    if read_only_transactions.get():
        # as the request cycle's flush guard did when record() flushed: the entry is a write
        raise RuntimeError("a read-only request tried to write an audit entry: mark its route with @writes")
    entry = AuditEntry(
        occurred_at=utcnow(),
        actor_user_id=actor_user_id,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        details=json.dumps(details or {}, sort_keys=True, ensure_ascii=False),
    )
    audit_buffer.add(db.session(), entry)
    return entry


def chain(session: Session, entries: list[AuditEntry]) -> None:
    """Link the transaction's entries to the head and write them: the head row is locked from here
    to the commit, a few round trips (lock, one multi-row insert, head update), never the request."""
    seq, prev = _locked_head(session)
    settings = _settings()
    rows = []
    for entry in entries:
        seq += 1
        entry.seq, entry.prev_hash = seq, prev
        entry.hash = prev = chain_hash(prev, entry, settings.key)
        rows.append({c: getattr(entry, c) for c in _COLUMNS})
    session.execute(_INSERT_ENTRIES, rows)
    session.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": prev})
    pending_checkpoint(session, settings, seq, prev)


audit_buffer.chain_with(chain)
_INSERT_ENTRIES = insert(AuditEntry.__table__)
_HEAD_TABLE = AuditHead.__table__
_MOVE_HEAD = update(_HEAD_TABLE).where(_HEAD_TABLE.c.id == 1).values(seq=bindparam("new_seq"),
                                                                     hash=bindparam("new_hash"))
_COLUMNS = ("seq", "occurred_at", "actor_user_id", "action", "object_type", "object_id", "details", "prev_hash",
            "hash")


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str | None = None
    checkpoint_seq: int | None = None


def verify_chain(batch: int = 1000, checkpoint_path: str | None = None) -> VerifyResult:
    """Walk the chain in order; report the first entry whose link or content does not hold,
    a missing head, and any entry the newest signed checkpoint vouches for that is gone."""
    settings = _settings()
    checkpoints = checkpoint_reader(settings, checkpoint_path)
    if checkpoints.forged:
        return VerifyResult(False, 0, None, f"checkpoint file has {checkpoints.forged} line(s) with a bad signature")
    mark: Checkpoint | None = checkpoints.latest
    marked_hash: str | None = None
    prev = GENESIS
    expected_seq = 1
    checked = 0
    last_seq = 0
    while True:
        rows = db.session.execute(
            select(AuditEntry).where(AuditEntry.seq > last_seq).order_by(AuditEntry.seq).limit(batch)
        ).scalars().all()
        if not rows:
            break
        for e in rows:
            if e.seq != expected_seq:
                return VerifyResult(False, checked, expected_seq, "missing entry")
            if e.prev_hash != prev:
                return VerifyResult(False, checked, e.seq, "previous-hash link broken")
            if chain_hash(prev, e, settings.key) != e.hash:
                return VerifyResult(False, checked, e.seq, "content does not match its hash")
            if mark is not None and e.seq == mark.seq:
                marked_hash = e.hash
            prev = e.hash
            expected_seq += 1
            checked += 1
            last_seq = e.seq
    head = db.session.get(AuditHead, 1)
    cp_seq = mark.seq if mark else None
    if head is None and (checked or mark is not None):
        return VerifyResult(False, checked, last_seq + 1, "the head row is missing", cp_seq)
    if head is not None and (head.seq != last_seq or head.hash != prev):
        return VerifyResult(False, checked, last_seq + 1, "entries after the last one were removed", cp_seq)
    if mark is not None and last_seq < mark.seq:
        return VerifyResult(False, checked, last_seq + 1,
                            f"entries up to seq {mark.seq} were checkpointed but are missing", cp_seq)
    if mark is not None and marked_hash != mark.hash:
        return VerifyResult(False, checked, mark.seq, "entry differs from its signed checkpoint", cp_seq)
    return VerifyResult(True, checked, checkpoint_seq=cp_seq)
