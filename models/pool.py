"""MariaDB connections from the pool without two wasted round trips per request.

SQLAlchemy's defaults cost every request a ``ping`` on checkout (``pool_pre_ping``) and a
``ROLLBACK`` on return, even after the request committed. Instead:

- a connection is pinged on checkout only when it sat idle for ``idle_ping_seconds`` (a busy
  worker's connections were proven alive a moment ago; an idle one may have met a server
  restart or ``wait_timeout``). A dead one raises ``DisconnectionError`` and the pool
  replaces it: the request never sees it.
- on return the connection is rolled back unless the last thing done on it was SQLAlchemy's
  COMMIT or ROLLBACK (and the server's last status flags agree): a committed request returns
  it as it is. Checkout and every statement mark it dirty, so a connection used through the
  raw DBAPI (whose statements no event sees) is always rolled back.

A connection that broke while busy still fails its statement; SQLAlchemy then invalidates the
pool and the request answers 503 ``DATABASE_BUSY``, which the phone retries.

Read-only requests (GET without ``@writes``: mostly the phones' polls) run on a second pool whose
connections are in autocommit mode: each SELECT ends its own transaction, so the request needs
no COMMIT round trip at the end (``ReadSession`` picks that pool while the request is read-only).
"""

from __future__ import annotations

import time
from typing import Any

import pymysql
from flask import current_app
from flask_sqlalchemy.session import Session
from pymysql.constants import SERVER_STATUS
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError

from models.base import read_only_transactions

CHECKED_IN_AT = "siteroll_checked_in_at"
CLEAN = "siteroll_transaction_ended"
READ_ENGINE = "siteroll_read_engine"


class AutocommitConnection(pymysql.connections.Connection):
    """In autocommit mode there is never a transaction to end: COMMIT and ROLLBACK would only
    cost a round trip. Used by the read-only pool alone."""

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass


class ReadSession(Session):
    """``db.session``: while a request is read-only, every statement goes to the autocommit pool."""

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Engine | Connection | None = None,
                 **kwargs: Any) -> Engine | Connection:
        if bind is None and read_only_transactions.get():
            reads = current_app.extensions.get(READ_ENGINE)
            if reads is not None:
                return reads
        return super().get_bind(mapper, clause, bind, **kwargs)


def read_engine(engine: Engine, options: dict[str, Any], idle_ping_seconds: float) -> Engine:
    """A second MariaDB pool like ``engine``'s, whose connections run every statement in autocommit."""
    cargs, cparams = engine.dialect.create_connect_args(engine.url)
    cparams["autocommit"] = True
    reads = create_engine(engine.url, **{**options, "isolation_level": "AUTOCOMMIT", "pool_reset_on_return": None},
                          creator=lambda: AutocommitConnection(*cargs, **cparams))
    install(reads, idle_ping_seconds)
    return reads


def install(engine: Engine, idle_ping_seconds: float) -> None:
    """Wire the checks into a MariaDB engine made with ``pool_reset_on_return=None``."""
    pool = engine.pool

    @event.listens_for(pool, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info[CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        record.info[CLEAN] = False
        since = record.info.get(CHECKED_IN_AT)
        if since is None or time.monotonic() - since < idle_ping_seconds:
            return  # new, or used a moment ago
        try:
            dbapi_conn.ping(reconnect=False)
        except Exception as exc:  # any failure means: not this connection
            raise DisconnectionError("idle connection no longer answers") from exc

    @event.listens_for(engine, "before_cursor_execute")
    def _dirty(conn: Any, *_args: Any) -> None:
        if not conn.invalidated:
            conn.connection.info[CLEAN] = False

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _ended(conn: Any) -> None:
        if not conn.invalidated:  # a dead connection is thrown away, not reset
            conn.connection.info[CLEAN] = True

    @event.listens_for(pool, "reset")
    def _reset(dbapi_conn: Any, record: Any, state: Any) -> None:
        if state.terminate_only or state.transaction_was_reset:
            return
        # PyMySQL updates server_status from OK packets only (not after a SELECT): the flag is the guard
        status = getattr(dbapi_conn, "server_status", None)
        in_transaction = status is None or bool(status & SERVER_STATUS.SERVER_STATUS_IN_TRANS)
        if in_transaction or record is None or not record.info.get(CLEAN):
            dbapi_conn.rollback()
