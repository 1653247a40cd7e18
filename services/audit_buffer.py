"""A transaction's audit entries wait here and join the chain when it commits.

Appending takes the chain's one head row lock (services/audit.py). Taken at the first
``audit.record`` it was held for the rest of the request, so every writing request in the app
queued behind every other. Buffered, the lock is taken in ``before_commit``, after the
session's last flush: held for the chain's own few round trips and the COMMIT, and always the
transaction's last lock, so no transaction can hold the head while it waits for another row.

The entries are still part of the transaction they describe: a rollback (also of the savepoint
they were recorded in) drops them, and a statement of the same transaction that touches the
log (a query, ``flask audit verify``, a test) first chains what is waiting, so it sees them
(through ``db.session``; a statement sent on ``db.session.connection()`` is not looked at).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlalchemy.sql import util as sql_util
from sqlalchemy.sql.elements import TextClause

from models import AuditEntry, AuditHead

_KEY = "siteroll_audit_buffer"
_TABLES = {AuditEntry.__tablename__, AuditHead.__tablename__}


def add(session: Session, entry: AuditEntry) -> None:
    # the savepoint it was recorded in (None: not yet begun, i.e. the outermost transaction)
    where = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_KEY, []).append((where, entry))


def waiting(session: Session) -> bool:
    return bool(session.info.get(_KEY))


_chain: Callable[[Session, list[AuditEntry]], None] | None = None


def chain_with(chain: Callable[[Session, list[AuditEntry]], None]) -> None:
    """services/audit.py hands its ``chain`` over here (this module never imports it: no cycle)."""
    global _chain
    _chain = chain


def chain_waiting(session: Session) -> None:
    waiting_entries = session.info.pop(_KEY, None)
    if not waiting_entries:
        return
    if _chain is None:  # entries come through audit.record, whose module hands the chain over on import
        raise RuntimeError("audit entries are waiting but services.audit was never imported")
    _chain(session, [entry for _where, entry in waiting_entries])


def _inside(where: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while where is not None:
        if where is ended:
            return True
        where = where.parent
    return False


def _touches_audit(statement: Any) -> bool:
    if isinstance(statement, TextClause):
        return "audit_" in statement.text
    try:
        tables = sql_util.find_tables(statement, check_columns=True, include_crud=True)
    except Exception:  # an unusual construct: chain rather than risk a read that misses entries
        return True
    return any(getattr(t, "name", None) in _TABLES for t in tables)


def install_session_hooks(session: Any) -> None:
    """On the scoped session every app shares; called once per process by
    services.audit_checkpoints.install_session_hooks (which keeps the once)."""
    @event.listens_for(session, "before_commit")
    def _before_commit(s: Session) -> None:
        if s.in_nested_transaction():
            return  # a savepoint released: its entries wait for the outermost commit
        if waiting(s):
            s.flush()  # every other row lock first; the head is the last one taken
            chain_waiting(s)

    @event.listens_for(session, "do_orm_execute")
    def _before_reading(state: ORMExecuteState) -> None:
        if waiting(state.session) and _touches_audit(state.statement):
            chain_waiting(state.session)

    @event.listens_for(session, "after_soft_rollback")
    def _after_rollback(s: Session, ended: SessionTransaction) -> None:
        entries = s.info.get(_KEY)
        if not entries:
            return
        if not ended.nested:
            s.info.pop(_KEY, None)
            return
        s.info[_KEY] = [(where, e) for where, e in entries if not _inside(where, ended)]

    @event.listens_for(session, "after_transaction_end")
    def _after_end(s: Session, ended: SessionTransaction) -> None:
        if ended.parent is None:
            s.info.pop(_KEY, None)  # closed without commit or rollback: nothing of it stands
