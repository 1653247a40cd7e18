"""MariaDB connections from the pool without two wasted round trips per request.

SQLAlchemy's defaults cost every request a ``ping`` on checkout (``pool_pre_ping``) and a
``ROLLBACK`` on return, even after the request committed. Instead:

- a connection is pinged on checkout only when it sat idle for ``idle_ping_seconds`` (a busy
  worker's connections were proven alive a moment ago; an idle one may have met a server
  restart or ``wait_timeout``). A dead one raises ``DisconnectionError`` and the pool
  replaces it: the request never sees it.
- on return the connection is rolled back only when the server says a transaction is still
  open (``SERVER_STATUS_IN_TRANS`` in the status flags of its last reply): a committed or
  rolled-back request returns it as it is.

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


def install(engine: Engine, idle_ping_seconds: float) -> None:
    """Wire the checks into a MariaDB engine made with ``pool_reset_on_return=None``."""
    pool = engine.pool

    @event.listens_for(pool, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info[CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(CHECKED_IN_AT)
        if since is None or time.monotonic() - since < idle_ping_seconds:
            return  # new, or used a moment ago
        try:
            dbapi_conn.ping(reconnect=False)
        except Exception as exc:  # any failure means: not this connection
            raise DisconnectionError("idle connection no longer answers") from exc

    @event.listens_for(pool, "reset")
    def _reset(dbapi_conn: Any, _record: Any, state: Any) -> None:
        if state.terminate_only or state.transaction_was_reset:
            return
        status = getattr(dbapi_conn, "server_status", None)
        if status is None or status & SERVER_STATUS.SERVER_STATUS_IN_TRANS:
            dbapi_conn.rollback()
