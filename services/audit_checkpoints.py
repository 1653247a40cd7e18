"""Signed checkpoints of the audit chain, kept outside the database.

After each commit that appended audit entries, one line is appended to the checkpoint file:
``{"seq": …, "hash": …, "at": …, "sig": HMAC(audit key, seq|hash|at)}``. Production ships the
file to a log store the database's administrators cannot edit; `flask audit verify` holds the
chain against the newest line. The line is written only after the commit, so a rolled-back
request never leaves a checkpoint for entries that do not exist.

"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from models.base import utcnow

log = logging.getLogger(__name__)

_PENDING = "siteroll_audit_checkpoint"


@dataclass(frozen=True)
class AuditSettings:
    key: bytes
    checkpoint_path: Path | None


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str


@dataclass(frozen=True)
class Checkpoints:
    latest: Checkpoint | None
    forged: int  # lines whose signature does not verify


def audit_settings_from(cfg: Mapping[str, Any]) -> AuditSettings:
    path = cfg.get("AUDIT_CHECKPOINT_PATH")
    return AuditSettings(str(cfg["AUDIT_KEY"]).encode(), Path(path) if path else None)


def _signature(key: bytes, seq: int, chain_hash: str, at: str) -> str:
    return hmac.new(key, f"checkpoint|{seq}|{chain_hash}|{at}".encode(), hashlib.sha256).hexdigest()


def pending_checkpoint(session: Session, settings: AuditSettings, seq: int, chain_hash: str) -> None:
    """Remember the newest entry of this transaction; it is written once the transaction commits."""
    session.info[_PENDING] = (settings, seq, chain_hash)


def write_checkpoint(settings: AuditSettings, seq: int, chain_hash: str) -> None:
    if settings.checkpoint_path is None:
        return
    at = utcnow().isoformat(timespec="microseconds")
    line = json.dumps({"seq": seq, "hash": chain_hash, "at": at,
                       "sig": _signature(settings.key, seq, chain_hash, at)}) + "\n"
    settings.checkpoint_path.parent.mkdir(parents=True, exist_ok=True)
    # O_APPEND: concurrent writers (web workers, job workers) each add whole lines
    fd = os.open(settings.checkpoint_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def checkpoint_reader(settings: AuditSettings, path: str | None = None) -> Checkpoints:
    """The highest signed checkpoint (writers may append out of order) and the forged line count."""
    source = Path(path) if path else settings.checkpoint_path
    if source is None or not source.exists():
        return Checkpoints(None, 0)
    latest: Checkpoint | None = None
    forged = 0
    for raw in source.read_text().splitlines():
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
            cp = Checkpoint(int(data["seq"]), str(data["hash"]), str(data["at"]))
            good = hmac.compare_digest(str(data["sig"]), _signature(settings.key, cp.seq, cp.hash, cp.at))
        except (ValueError, KeyError, TypeError):
            good = False
        if not good:
            forged += 1
            continue
        if latest is None or cp.seq > latest.seq:
            latest = cp
    return Checkpoints(latest, forged)


_hooks_installed = False


def install_session_hooks() -> None:
    """Once per process (db.session is one scoped session for every app); the audit buffer's too."""
    global _hooks_installed
    if _hooks_installed:
        return
    _hooks_installed = True
    from models import db
    from services import audit_buffer

    audit_buffer.install_session_hooks(db.session)

    @event.listens_for(db.session, "after_commit")
    def _after_commit(session: Session) -> None:
        pending = session.info.pop(_PENDING, None)
        if pending is None:
            return
        try:
            write_checkpoint(*pending)
        except OSError:
            # the entries are committed; a lost checkpoint only weakens the truncation check
            log.exception("could not write the audit checkpoint for seq %s", pending[1])

    @event.listens_for(db.session, "after_soft_rollback")
    def _after_rollback(session: Session, _previous_transaction: Any) -> None:
        session.info.pop(_PENDING, None)
