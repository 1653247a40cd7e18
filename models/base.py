"""Declarative base and column types shared by every table."""

from __future__ import annotations

import sqlite3
from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import BigInteger, DateTime, Integer, Table, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

# Set for requests that only read (GET without @writes): on SQLite they BEGIN without taking
# the write lock, so readers never queue behind each other or behind a face job's write.
read_only_transactions: ContextVar[bool] = ContextVar("siteroll_read_only", default=False)

# SQLite only autoincrements INTEGER PRIMARY KEY; MariaDB gets BIGINT.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stored as naive UTC (DATETIME(6) on MariaDB), always returned timezone-aware."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "mysql":
            from sqlalchemy.dialects.mysql import DATETIME

            return dialect.type_descriptor(DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; SiteRoll stores UTC-aware times only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    registry = registry(type_annotation_map={datetime: UTCDateTime()})


@event.listens_for(Table, "after_parent_attach")
def _sqlite_autoincrement(table: Table, parent: object) -> None:
    # Without AUTOINCREMENT SQLite hands a deleted row's id to the next row: an old bearer token
    # (or invitation, or stored answer) would then fit the next user made. MariaDB never reuses ids.
    if parent is Base.metadata:
        table.dialect_kwargs["sqlite_autoincrement"] = True


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_conn, _record) -> None:
    if not isinstance(dbapi_conn, sqlite3.Connection):
        return
    # We emit BEGIN ourselves (below) so that every transaction takes the write lock up front:
    # a deferred transaction that read first cannot upgrade to a writer under WAL.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN" if read_only_transactions.get() else "BEGIN IMMEDIATE")
