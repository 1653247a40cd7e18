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
"""

from __future__ import annotations

import time
from typing import Any

from pymysql.constants import SERVER_STATUS
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

CHECKED_IN_AT = "siteroll_checked_in_at"
CLEAN = "siteroll_transaction_ended"


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
