"""`flask storage migrate` moves issues 26/27's blobs (employer and 变更协议 signatures, company seals,
ID-card and paper-consent photos) into the store, and 0028b_drop_more_blobs refuses to drop their
columns while any holds a value."""

from __future__ import annotations

import json

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app import create_app
from models import Company, Consent, Contract, ContractAmendment, StoredObject, User, db
from services import pii
from services.companies import seal_png
from services.contracts.amendments import amendment_signature_png
from services.contracts.parties import employer_signature_png
from services.storage import legacy, objects
from services.storage.store import store
from tests.factories import bearer
from tests.storage.owners import JPEG_MARKERS, MOVED, PNG_MARKERS, image, owner_rows
from tests.test_migrations import _empty_database_url


@pytest.fixture
def legacy_columns(app):
    """The six columns as releases before 0028b had them (the models no longer do)."""
    with app.app_context(), db.engine.begin() as conn:
        kind = "LONGTEXT" if conn.dialect.name == "mysql" else "TEXT"
        for table, column, _ in MOVED:
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {kind} NULL"))
    yield
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table, column, _ in MOVED:
                conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))


def _old_values(rows: dict[str, int]) -> dict[tuple[str, str], bytes]:
    """Each column holds what the code of issues 26/27 wrote: pii.encrypt_bytes under the cell's
    row_context (services/companies, contracts/parties, contracts/amendments, identity/photos)."""
    values = {}
    for i, (table, column, _) in enumerate(MOVED):
        clear = image("JPEG" if column == "document_photo_enc" else "PNG", ("red", "green", "blue", "gray",
                                                                          "white", "black")[i])
        db.session.execute(text(f"UPDATE {table} SET {column} = :v WHERE id = :id"), {
            "v": pii.encrypt_bytes(clear, context=pii.row_context(table, column, rows[table])), "id": rows[table]})
        values[(table, column)] = clear
    return values


def test_migrate_moves_the_issue_26_27_blobs_and_verify_passes(app, client, legacy_columns):
    runner = app.test_cli_runner()
    with app.app_context():
        rows = owner_rows()
        values = _old_values(rows)
        labour = bearer(db.session.get(User, rows["labour"]))
        db.session.commit()
        assert {(c.table, c.column) for c in legacy.present()} == {(t, c) for t, c, _ in MOVED}
    result = runner.invoke(args=["storage", "migrate", "--batch-size", "1"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.splitlines()[0])
    assert {name: report[name] for name in report} == {
        f"{t}.{c}": {"moved": 1, "failed": []} for t, c, _ in MOVED}
    with app.app_context():
        for table, column, target in MOVED:
            col = next(c for c in legacy.LEGACY if (c.table, c.column) == (table, column))
            assert legacy.pending(col) == 0
            object_id = db.session.execute(text(f"SELECT {target} FROM {table} WHERE id = :id"),
                                           {"id": rows[table]}).scalar_one()
            stored = db.session.get(StoredObject, object_id)
            assert stored.context == pii.row_context(table, column, rows[table])  # the old associated data
            sealed = store().get(stored.key)
            assert not any(m in sealed for m in PNG_MARKERS + JPEG_MARKERS)
            assert objects.read(object_id) == values[(table, column)]
        # the readers of each area see the same bytes as before
        contract = db.session.get(Contract, rows["contracts"])
        amendment = db.session.get(ContractAmendment, rows["contract_amendments"])
        assert employer_signature_png(contract) == values[("contracts", "employer_signature_enc")]
        assert amendment_signature_png(amendment) == values[("contract_amendments", "signature_enc")]
        assert employer_signature_png(amendment, "contract_amendment") == values[
            ("contract_amendments", "employer_signature_enc")]
        assert seal_png(db.session.get(Company, rows["companies"])) == values[("companies", "seal_enc")]
        assert objects.read(db.session.get(Consent, rows["consents"]).form_photo_object_id) == values[
            ("consents", "form_photo_enc")]
    photo = client.get(f"/api/v1/projects/{rows['project']}/identity-verifications/"
                       f"{rows['identity_verifications']}/document-photo", headers=labour)
    assert photo.status_code == 200 and photo.data == values[("identity_verifications", "document_photo_enc")]
    assert photo.mimetype == "image/jpeg"
    verified = runner.invoke(args=["storage", "verify", "--all"])
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.stdout.splitlines()[-1]) == {"checked": 6, "ok": 6, "missing": [], "corrupt": []}


def test_a_database_older_than_0028_upgrades_in_two_rounds(tmp_path, app_config):
    """Stopped at 0028_drop_blob_columns, a database has issue 26/27's columns but not yet their references
    (0028b_more_object_refs comes later): the first migrate leaves those and says so; the upgrade then
    stops at 0028b_drop_more_blobs, and a second migrate and upgrade finish."""
    url = _empty_database_url(tmp_path)
    migrated = create_app(dict(app_config, SQLALCHEMY_DATABASE_URI=url))
    runner = migrated.test_cli_runner()
    seal = image("PNG", "red", (90, 90))
    with migrated.app_context():
        store().ensure_ready()
        upgrade(revision="0028_object_store")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO companies (name, uscc, created_at, verified) "
                              "VALUES ('测试建设集团', '91440300279569123Q', CURRENT_TIMESTAMP, 0)"))
            company_id = conn.execute(text("SELECT id FROM companies")).scalar_one()
            conn.execute(text("UPDATE companies SET seal_enc = :v"), {
                "v": pii.encrypt_bytes(seal, context=pii.row_context("companies", "seal_enc", company_id))})
        assert [(c.table, c.column) for c in legacy.awaiting_schema()] == [
            ("contracts", "employer_signature_enc"), ("contract_amendments", "signature_enc"),
            ("contract_amendments", "employer_signature_enc"), ("companies", "seal_enc"),
            ("identity_verifications", "document_photo_enc"), ("consents", "form_photo_enc")]
        db.session.remove()
    first = runner.invoke(args=["storage", "migrate"])
    assert first.exit_code == 0, first.output
    assert "companies.seal_enc" in first.output and "once more" in first.output
    with migrated.app_context():
        with pytest.raises(SystemExit):  # 0028_drop_blob_columns passes; 0028b_drop_more_blobs refuses
            upgrade()
        db.session.remove()
        assert db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == \
            "0028b_more_object_refs"
        db.session.remove()
    second = runner.invoke(args=["storage", "migrate"])
    assert second.exit_code == 0, second.output
    assert json.loads(second.stdout.splitlines()[0])["companies.seal_enc"] == {"moved": 1, "failed": []}
    with migrated.app_context():
        upgrade()
        assert seal_png(db.session.get(Company, company_id)) == seal
        db.session.remove()
        db.engine.dispose()


def test_the_drop_refuses_while_any_issue_26_27_column_holds_a_value(tmp_path, app_config):
    url = _empty_database_url(tmp_path)
    migrated = create_app(dict(app_config, SQLALCHEMY_DATABASE_URI=url))
    with migrated.app_context():
        upgrade(revision="0028b_more_object_refs")
        rows = owner_rows()
        db.session.commit()
        db.session.remove()
        for table, column, _ in MOVED:
            with db.engine.begin() as conn:  # a value of an old release, still in its column
                conn.execute(text(f"UPDATE {table} SET {column} = 'v1.t1.x' WHERE id = :id"), {"id": rows[table]})
            with pytest.raises(SystemExit):  # Flask-Migrate logs the RuntimeError ("run flask storage migrate")
                upgrade()
            db.session.remove()
            with db.engine.begin() as conn:
                version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
                assert version == "0028b_more_object_refs", (table, column)
                assert conn.execute(text(f"SELECT COUNT(*) FROM {table} WHERE {column} IS NOT NULL")).scalar_one() == 1
                conn.execute(text(f"UPDATE {table} SET {column} = NULL"))
        upgrade()  # emptied: dropped (on SQLite, tables others' rows point at are rebuilt: nothing lost)
        inspector = db.inspect(db.engine)
        for table, column, target in MOVED:
            columns = {c["name"] for c in inspector.get_columns(table)}
            assert column not in columns and target in columns
        # and back past 0028_object_store, with the rows in place (an amendment points at its contract)
        downgrade(revision="0027_identity_retention")
        upgrade()
        with db.engine.begin() as conn:
            for table in {t for t, _, _ in MOVED}:
                assert conn.execute(text(f"SELECT COUNT(*) FROM {table} WHERE id = :id"), {"id": rows[table]}
                                    ).scalar_one() == 1
            if conn.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        db.engine.dispose()
