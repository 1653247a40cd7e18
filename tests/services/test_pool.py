"""MariaDB pool without a ping and a ROLLBACK per request (models/pool.py), and still safe:
an idle connection the server dropped is replaced unseen, and an open transaction never
travels to the next request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from models import pool
from tests.conftest import TEST_DATABASE_URL, backend

pytestmark = pytest.mark.skipif(backend() != "mariadb", reason="MariaDB connection pool")


def _engine(idle_ping_seconds: float) -> Engine:
    engine = create_engine(TEST_DATABASE_URL, pool_size=1, max_overflow=0, pool_reset_on_return=None)
    pool.install(engine, idle_ping_seconds)
    return engine


@pytest.fixture
def commands(monkeypatch) -> Iterator[list[str]]:
    import pymysql.connections as pc

    seen: list[str] = []
    original = pc.Connection._execute_command

    def spy(self, command, sql):
        seen.append(sql.decode() if isinstance(sql, bytes) else str(sql))
        return original(self, command, sql)

    monkeypatch.setattr(pc.Connection, "_execute_command", spy)
    yield seen


def test_a_read_only_request_costs_its_selects_alone(app, client, commands):
    token = client.post("/api/v1/auth/login", json={"code": "fake:pool-user"}).get_json()["token"]
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})  # the read pool's first connection
    commands.clear()
    resp = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200
    # the caller with memberships and consents in one SELECT: no ping, no COMMIT (autocommit pool), no reset
    assert len(commands) == 1 and commands[0].startswith("SELECT"), commands


def test_a_writing_request_commits_once_and_is_not_reset(app, client, commands):
    token = client.post("/api/v1/auth/login", json={"code": "fake:pool-writer"}).get_json()["token"]
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})  # the read pool's first connection
    commands.clear()
    resp = client.post("/api/v1/me/consents", json={"kind": "location", "version": "v1"},
                       headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 201, resp.get_json()
    assert commands[-1] == "COMMIT" and commands.count("COMMIT") == 1 and "ROLLBACK" not in commands, commands
    commands.clear()  # and what it wrote is there for the next, read-only request
    mine = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert [c["kind"] for c in mine["consents"]] == ["location"]
    assert "COMMIT" not in commands


def test_an_open_transaction_is_rolled_back_on_return():
    engine = _engine(10)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("CREATE TEMPORARY TABLE pool_probe (id INT) ENGINE=InnoDB")
            conn.commit()
        raw = engine.raw_connection()  # the pool's own connection, no SQLAlchemy transaction around it
        raw.cursor().execute("INSERT INTO pool_probe VALUES (1)")
        raw.close()  # returned without commit: the reset undoes it
        with engine.connect() as conn:  # pool_size=1: the same connection, its temporary table kept
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM pool_probe").scalar() == 0
            conn.exec_driver_sql("INSERT INTO pool_probe VALUES (2)")
            conn.commit()
        with engine.connect() as conn:  # committed work returns without a reset and stays
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM pool_probe").scalar() == 1
    finally:
        engine.dispose()


def _kill_pooled(engine: Engine) -> int:
    with engine.connect() as conn:
        victim = conn.exec_driver_sql("SELECT CONNECTION_ID()").scalar()
    killer = create_engine(TEST_DATABASE_URL)
    with killer.connect() as conn:
        conn.exec_driver_sql(f"KILL CONNECTION {int(victim)}")
    killer.dispose()
    return victim


def test_an_idle_connection_the_server_dropped_is_replaced_unseen():
    engine = _engine(0)  # every checkout counts as idle: pinged
    try:
        victim = _kill_pooled(engine)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT CONNECTION_ID()").scalar() != victim
    finally:
        engine.dispose()


def test_without_the_idle_ping_the_dropped_connection_fails_once():
    # the control: what the ping saves a request from
    engine = _engine(3600)
    try:
        _kill_pooled(engine)
        with pytest.raises(OperationalError), engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        with engine.connect() as conn:  # the pool threw the dead one away
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


def test_a_raw_select_for_update_is_rolled_back_on_return():
    # PyMySQL's status flags do not change after a SELECT: the pool must not trust them alone
    engine = _engine(10)
    other = create_engine(TEST_DATABASE_URL, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS pool_lock_probe (id INT PRIMARY KEY) ENGINE=InnoDB")
            conn.exec_driver_sql("DELETE FROM pool_lock_probe")
            conn.exec_driver_sql("INSERT INTO pool_lock_probe VALUES (1)")
            conn.commit()
        raw = engine.raw_connection()
        cur = raw.cursor()
        cur.execute("SELECT id FROM pool_lock_probe WHERE id = 1 FOR UPDATE")
        cur.fetchall()
        raw.close()  # back in the pool: its row lock must not stay with it
        with other.connect() as conn:
            conn.exec_driver_sql("SET SESSION innodb_lock_wait_timeout = 1")
            conn.exec_driver_sql("UPDATE pool_lock_probe SET id = 2 WHERE id = 1")  # waits 1 s, then fails, if locked
            conn.rollback()
    finally:
        with engine.connect() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS pool_lock_probe")
        engine.dispose()
        other.dispose()
