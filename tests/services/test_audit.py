"""The audit chain notices an edited, removed or re-ordered entry."""

from __future__ import annotations

from sqlalchemy import text

from models import db
from services import audit


def _write_entries(n: int) -> None:
    for i in range(n):
        audit.record("test.event", actor_user_id=i, object_type="thing", object_id=i, details={"n": i})
    db.session.commit()


def test_intact_chain_verifies(app, ctx):
    _write_entries(5)
    result = audit.verify_chain()
    assert result.ok and result.checked == 5


def test_edited_row_is_reported_by_cli(app):
    with app.app_context():
        _write_entries(5)
        # someone with database access quietly edits entry 3
        db.session.execute(text("UPDATE audit_log SET details = '{\"n\": 99}' WHERE seq = 3"))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "seq 3" in result.output and "content" in result.output


def test_edit_with_recomputed_hash_breaks_the_next_link(app, ctx):
    _write_entries(4)
    entry = db.session.execute(text("SELECT * FROM audit_log WHERE seq = 2")).mappings().one()
    from models import AuditEntry

    forged = db.session.get(AuditEntry, entry["id"])
    forged.details = '{"n": 42}'
    forged.hash = audit.chain_hash(forged.prev_hash, forged)
    db.session.commit()
    result = audit.verify_chain()
    assert not result.ok and result.broken_seq == 3 and "link" in (result.reason or "")


def test_deleted_tail_is_reported(app, ctx):
    _write_entries(3)
    db.session.execute(text("DELETE FROM audit_log WHERE seq = 3"))
    db.session.commit()
    result = audit.verify_chain()
    assert not result.ok and result.broken_seq == 3


def test_cli_ok(app):
    with app.app_context():
        _write_entries(2)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "OK: 2 entries" in result.output


def test_concurrent_appends_keep_one_chain(app):
    """Appenders race; the head-row lock (MariaDB) / write lock (SQLite) keeps the chain linear."""
    import threading

    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def append(n: int) -> None:
        try:
            with app.app_context():
                barrier.wait()
                for i in range(5):
                    audit.record("race", actor_user_id=n, object_type="thing", object_id=i)
                    db.session.commit()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    with app.app_context():
        result = audit.verify_chain()
    assert result.ok and result.checked == 30
