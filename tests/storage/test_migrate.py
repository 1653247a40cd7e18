"""`flask storage migrate` moves database blobs into the store (batches, resumable) and
`flask storage verify` passes; the migration that drops the columns refuses while they hold any."""

from __future__ import annotations

import json

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from app import create_app
from models import FaceCheck, FaceEvidence, StoredObject, db
from services import pii
from services.storage import legacy, objects
from tests.factories import make_user
from tests.test_migrations import _empty_database_url


@pytest.fixture
def legacy_column(app):
    """face_evidence.photo_enc as releases before 0028 had it (the models no longer do)."""
    with app.app_context(), db.engine.begin() as conn:
        kind = "LONGTEXT" if conn.dialect.name == "mysql" else "TEXT"
        conn.execute(text(f"ALTER TABLE face_evidence ADD COLUMN photo_enc {kind} NULL"))
    yield
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            conn.execute(text("ALTER TABLE face_evidence DROP COLUMN photo_enc"))


def _legacy_photos(count: int) -> dict[int, bytes]:
    user = make_user()
    check = FaceCheck(user_id=user.id, kind="clock", liveness_mode="passive")
    db.session.add(check)
    db.session.flush()
    photos = {}
    for i in range(count):
        photo = b"\xff\xd8\xff\xe0" + bytes([i]) * 1000
        row = FaceEvidence(check_id=check.id, frame_index=i, sha256="0" * 64, size_bytes=len(photo))
        db.session.add(row)
        db.session.flush()
        db.session.execute(text("UPDATE face_evidence SET photo_enc = :v WHERE id = :id"), {
            "v": pii.encrypt_bytes(photo, context=f"face_evidence:{check.id}"), "id": row.id})
        photos[row.id] = photo
    db.session.commit()
    return photos


def test_migrate_moves_every_blob_resumably_and_verify_passes(app, legacy_column):
    runner = app.test_cli_runner()
    with app.app_context():
        photos = _legacy_photos(5)
        assert [c.column for c in legacy.present()] == ["photo_enc"]

        class Crash(Exception):
            pass

        def crash_after_first_batch():
            db.session.commit()
            raise Crash

        with pytest.raises(Crash):  # the process dies after its first batch of 2
            legacy.migrate_all(2, commit=crash_after_first_batch)
        db.session.rollback()
        assert legacy.pending(legacy.LEGACY[0]) == 3
    result = runner.invoke(args=["storage", "migrate", "--batch-size", "2"])  # the next run finishes
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["face_evidence.photo_enc"] == {"moved": 3, "failed": []}
    with app.app_context():
        assert legacy.pending(legacy.LEGACY[0]) == 0
        for row_id, photo in photos.items():
            evidence = db.session.get(FaceEvidence, row_id)
            assert objects.read(evidence.photo_object_id) == photo
        assert db.session.execute(select(func.count()).select_from(StoredObject)).scalar_one() == 5
    verified = runner.invoke(args=["storage", "verify", "--all"])
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.stdout.splitlines()[-1]) == {"checked": 5, "ok": 5, "missing": [], "corrupt": []}
    assert runner.invoke(args=["storage", "migrate"]).exit_code == 0  # nothing left: a no-op


def test_verify_finds_a_missing_and_an_altered_object(app, ctx):
    from services.storage.store import store

    gone, altered, fine = (objects.put(b"x" * 100, context=f"test:{i}") for i in range(3))
    db.session.commit()
    store().delete(gone.key)
    sealed = bytearray(store().get(altered.key))
    sealed[5] ^= 1
    store().put(altered.key, bytes(sealed), "application/octet-stream")
    result = app.test_cli_runner().invoke(args=["storage", "verify", "--all"])
    assert result.exit_code == 1
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "checked": 3, "ok": 1, "missing": [gone.id], "corrupt": [altered.id]}
    assert fine.id not in (gone.id, altered.id)


def test_the_column_drop_refuses_while_blobs_remain(tmp_path, app_config):
    url = _empty_database_url(tmp_path)
    migrated = create_app(dict(app_config, SQLALCHEMY_DATABASE_URI=url))
    with migrated.app_context():
        upgrade(revision="0028_object_store")
        check = FaceCheck(user_id=make_user().id, kind="clock", liveness_mode="passive")
        db.session.add(check)
        db.session.flush()
        check_id = check.id
        db.session.commit()
        db.session.remove()
        with db.engine.begin() as conn:  # a photo of an old release, still in its column
            conn.execute(text("INSERT INTO face_evidence (check_id, frame_index, photo_enc, sha256, size_bytes, "
                              "created_at) VALUES (:c, 0, 'v1.t1.x', :h, 1, CURRENT_TIMESTAMP)"), {"c": check_id, "h": "0" * 64})
        with pytest.raises(SystemExit):  # Flask-Migrate logs the RuntimeError ("run flask storage migrate")
            upgrade()
        assert db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0028_object_store"
        assert db.session.execute(text("SELECT COUNT(*) FROM face_evidence WHERE photo_enc IS NOT NULL")).scalar_one() == 1
        db.session.remove()
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE face_evidence SET photo_enc = NULL"))
        upgrade()  # emptied: dropped
        columns = {c["name"] for c in db.inspect(db.engine).get_columns("face_evidence")}
        assert "photo_enc" not in columns and "photo_object_id" in columns
        db.engine.dispose()
