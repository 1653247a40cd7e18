"""Migrations build the schema from empty, on SQLite and on MariaDB, and match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app import create_app
from models import db
from tests.conftest import TEST_DATABASE_URL


def _empty_database_url(tmp_path) -> str:
    if not TEST_DATABASE_URL:
        return f"sqlite:///{tmp_path / 'migrated.db'}"
    url = make_url(TEST_DATABASE_URL)
    name = f"{url.database}_migrations"
    server = create_engine(url.set(database=""))
    with server.begin() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        conn.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    server.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def test_upgrade_from_empty_matches_models(tmp_path, app_config):
    url = _empty_database_url(tmp_path)
    migrated = create_app(dict(app_config, SQLALCHEMY_DATABASE_URI=url))
    with migrated.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "projects", "teams", "memberships", "audit_log", "idempotency_keys"} <= tables
        head = db.session.execute(text("SELECT seq, hash FROM audit_head WHERE id = 1")).one()
        db.session.rollback()
        assert tuple(head) == (0, "0" * 64)
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
        assert diff == [], diff
        db.engine.dispose()


def test_downgrade_to_empty_and_up_again(tmp_path, app_config):
    url = _empty_database_url(tmp_path)
    migrated = create_app(dict(app_config, SQLALCHEMY_DATABASE_URI=url))
    with migrated.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "face_checks" in set(inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_sqlite_upgrade_rebuilds_populated_tables_with_autoincrement(tmp_path, app_config):
    """0004 rebuilds every table on SQLite (AUTOINCREMENT) without losing rows or links."""
    if TEST_DATABASE_URL:
        return  # MariaDB: nothing to rebuild
    url = f"sqlite:///{tmp_path / 'populated.db'}"
    migrated = create_app(dict(app_config, SQLALCHEMY_DATABASE_URI=url))
    with migrated.app_context():
        upgrade(revision="0003_face_check_purpose")
        db.session.execute(text("INSERT INTO users (id, openid, token_version, created_at) "
                                "VALUES (7, 'kept', 1, '2026-01-01 00:00:00')"))
        db.session.execute(text("INSERT INTO consents (user_id, kind, version, granted_at) "
                                "VALUES (7, 'biometric', 'v1', '2026-01-01 00:00:00')"))
        db.session.execute(text("INSERT INTO companies (name, uscc, created_by, created_at) "
                                "VALUES ('c', '91440300279569123Q', 7, '2026-01-01 00:00:00')"))
        db.session.commit()
        upgrade()
        ddl = db.session.execute(text("SELECT sql FROM sqlite_master WHERE name = 'users'")).scalar_one()
        assert "AUTOINCREMENT" in ddl
        assert db.session.execute(text("SELECT user_id FROM consents")).scalar_one() == 7
        assert db.session.execute(text("SELECT verified FROM companies")).scalar_one() == 0
        assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
        db.session.rollback()
        db.engine.dispose()
