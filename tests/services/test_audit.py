"""The audit chain notices an edited, removed or re-ordered entry."""

from __future__ import annotations

from sqlalchemy import text

from models import db
from services import audit


def _write_entries(n: int) -> None:
    for i in range(n):
        audit.record("test.event", actor_user_id=i, object_type="thing", object_id=i, details={"n": i})
    db.session.commit()


def _tampered(entries: int, *statements: str) -> audit.VerifyResult:
    """Write entries, then change the tables behind the log's back and verify."""
    _write_entries(entries)
    for statement in statements:
        db.session.execute(text(statement))
    db.session.commit()
    return audit.verify_chain()


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


# ---- attacks by someone who can write the database but holds neither the key nor the checkpoints


def test_chain_is_keyed_a_plain_sha256_forgery_fails(app, ctx):
    import hashlib

    from models import AuditEntry

    _write_entries(3)
    forged = db.session.execute(db.select(AuditEntry).where(AuditEntry.seq == 3)).scalar_one()
    forged.details = '{"n": 7}'
    forged.hash = hashlib.sha256((forged.prev_hash + audit.canonical(forged)).encode()).hexdigest()
    db.session.execute(text("UPDATE audit_head SET hash = :h WHERE id = 1"), {"h": forged.hash})
    db.session.commit()
    result = audit.verify_chain()
    assert not result.ok and result.broken_seq == 3 and "content" in (result.reason or "")


def test_tail_deleted(app, ctx):
    result = _tampered(5, "DELETE FROM audit_log WHERE seq >= 4")
    assert not result.ok and result.broken_seq == 4


def test_tail_deleted_and_head_moved_back(app, ctx):
    _write_entries(5)
    kept = db.session.execute(text("SELECT hash FROM audit_log WHERE seq = 3")).scalar_one()
    db.session.execute(text("DELETE FROM audit_log WHERE seq >= 4"))
    db.session.execute(text("UPDATE audit_head SET seq = 3, hash = :h WHERE id = 1"), {"h": kept})
    db.session.commit()
    result = audit.verify_chain()
    assert not result.ok and result.broken_seq == 4 and "checkpoint" in (result.reason or "")


def test_head_deleted(app, ctx):
    result = _tampered(3, "DELETE FROM audit_head")
    assert not result.ok and "head" in (result.reason or "")


def test_everything_deleted(app, ctx):
    result = _tampered(3, "DELETE FROM audit_log", "DELETE FROM audit_head")
    assert not result.ok and result.checked == 0


def test_everything_deleted_and_head_reset_to_genesis(app):
    with app.app_context():
        _write_entries(3)
        db.session.execute(text("DELETE FROM audit_log"))
        db.session.execute(text("UPDATE audit_head SET seq = 0, hash = :g WHERE id = 1"), {"g": audit.GENESIS})
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "seq 1" in result.output and "checkpoint" in result.output


def test_checkpoints_are_written_after_commit_only(app, ctx):
    from pathlib import Path

    path = Path(app.config["AUDIT_CHECKPOINT_PATH"])
    _write_entries(2)
    lines = path.read_text().splitlines()
    audit.record("rolled.back", actor_user_id=None, object_type="thing", object_id=1)
    db.session.rollback()
    assert path.read_text().splitlines() == lines  # nothing for entries that never existed
    assert audit.verify_chain().ok and audit.verify_chain().checkpoint_seq == 2


def test_forged_checkpoint_line_is_reported(app, ctx):
    import json
    from pathlib import Path

    _write_entries(2)
    path = Path(app.config["AUDIT_CHECKPOINT_PATH"])
    with path.open("a") as fh:
        fh.write(json.dumps({"seq": 1, "hash": "0" * 64, "at": "2026-01-01T00:00:00", "sig": "f" * 64}) + "\n")
    result = audit.verify_chain()
    assert not result.ok and "signature" in (result.reason or "")


# ---- entries wait in the transaction and join the chain at its commit


def test_a_savepoint_rolled_back_takes_its_entries_with_it(app, ctx):
    audit.record("kept.before", actor_user_id=None, object_type="thing", object_id=1)
    savepoint = db.session.begin_nested()
    audit.record("dropped", actor_user_id=None, object_type="thing", object_id=2)
    savepoint.rollback()
    with db.session.begin_nested():
        audit.record("kept.released", actor_user_id=None, object_type="thing", object_id=3)
    db.session.commit()
    actions = db.session.execute(text("SELECT action FROM audit_log ORDER BY seq")).scalars().all()
    assert actions == ["kept.before", "kept.released"]
    assert audit.verify_chain().ok


def test_the_transaction_reads_its_own_entries(app, ctx):
    from models import AuditEntry

    audit.record("seen", actor_user_id=7, object_type="thing", object_id=1)
    entry = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "seen")).scalar_one()
    assert entry.seq == 1 and entry.actor_user_id == 7
    audit.record("after.the.read", actor_user_id=7, object_type="thing", object_id=2)
    db.session.commit()
    result = audit.verify_chain()
    assert result.ok and result.checked == 2 and result.checkpoint_seq == 2


def test_an_open_transaction_does_not_hold_up_other_appenders(app):
    """The head row is locked at commit, not at record(): a slow request no longer queues every
    other writer behind it, and whoever commits first comes first in the chain."""
    import threading

    recorded, other_done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def slow() -> None:
        try:
            with app.app_context():
                audit.record("slow", actor_user_id=1, object_type="thing", object_id=1)
                recorded.set()
                assert other_done.wait(30), "the other appender was held up"
                db.session.commit()
        except BaseException as exc:  # reported below
            errors.append(exc)

    thread = threading.Thread(target=slow)
    thread.start()
    assert recorded.wait(30)
    with app.app_context():
        audit.record("quick", actor_user_id=2, object_type="thing", object_id=2)
        db.session.commit()
    other_done.set()
    thread.join(60)
    assert not errors
    with app.app_context():
        actions = db.session.execute(text("SELECT action FROM audit_log ORDER BY seq")).scalars().all()
        assert actions == ["quick", "slow"] and audit.verify_chain().ok


def test_a_read_only_request_may_not_record(app, ctx):
    """record() no longer flushes, so it refuses by itself what the flush guard used to refuse."""
    import pytest

    from models.base import read_only_transactions

    token = read_only_transactions.set(True)
    try:
        with pytest.raises(RuntimeError, match="@writes"):
            audit.record("sneaky.read", actor_user_id=1, object_type="thing", object_id=1)
    finally:
        read_only_transactions.reset(token)
