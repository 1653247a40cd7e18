"""Drop the emptied blob columns of issues 26/27 (contracts.employer_signature_enc,
contract_amendments.signature_enc / employer_signature_enc, companies.seal_enc,
identity_verifications.document_photo_enc, consents.form_photo_enc)

Refuses while any of them still holds a value: `flask storage migrate` moves those into the
object store first (batches, resumable), then `flask db upgrade` runs this. A fresh database
has nothing to move. The downgrade brings the columns back empty: the images stay in the store.

Revision ID: 0028b_drop_more_blobs
Revises: 0028b_more_object_refs
Create Date: 2026-12-06 07:01:00.000000

"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

# revision identifiers, used by Alembic.
revision = '0028b_drop_more_blobs'
down_revision = '0028b_more_object_refs'
branch_labels = None
depends_on = None

SQLITE = {'sqlite_autoincrement': True}
MEDIUM = sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mysql')
PHOTO = sa.Text().with_variant(mysql.LONGTEXT(), 'mysql')
COLUMNS = {
    ('contracts', 'employer_signature_enc'): MEDIUM,
    ('contract_amendments', 'signature_enc'): MEDIUM,
    ('contract_amendments', 'employer_signature_enc'): MEDIUM,
    ('companies', 'seal_enc'): sa.Text(),
    ('identity_verifications', 'document_photo_enc'): PHOTO,
    ('consents', 'form_photo_enc'): PHOTO,
}


def _set_foreign_keys(on: bool) -> None:
    """PRAGMA foreign_keys only takes effect outside a transaction (models/base.py begins them)."""
    sqlite_conn = op.get_bind().connection.driver_connection
    if sqlite_conn.in_transaction:
        sqlite_conn.execute("COMMIT")
    sqlite_conn.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")
    sqlite_conn.execute("BEGIN IMMEDIATE")


@contextmanager
def _rebuilding():
    """SQLite rebuilds these tables (batch mode) and other rows reference them (an amendment its contract, a
    contract its company): foreign keys off while a table is dropped and renamed, then checked (as in 0004)."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        _set_foreign_keys(False)
    yield
    if sqlite:
        broken = op.get_bind().exec_driver_sql('PRAGMA foreign_key_check').all()
        if broken:
            raise RuntimeError(f'foreign keys broken by the rebuild: {broken[:5]}')
        _set_foreign_keys(True)


def _by_table():
    tables = {}
    for (table, column), type_ in COLUMNS.items():
        tables.setdefault(table, []).append((column, type_))
    return tables


def upgrade():
    conn = op.get_bind()
    left = {f'{t}.{c}': conn.execute(sa.text(f'SELECT COUNT(*) FROM {t} WHERE {c} IS NOT NULL')).scalar_one()
            for t, c in COLUMNS}
    if any(left.values()):
        # dropping them would lose signatures, seals and photos: nothing is dropped, the upgrade stops here
        raise RuntimeError(f'blobs still in the database {left}: run `flask storage migrate`, '
                           'then `flask db upgrade` again')
    with _rebuilding():
        for table, columns in _by_table().items():
            with op.batch_alter_table(table, schema=None, table_kwargs=SQLITE) as batch_op:
                for column, _ in columns:
                    batch_op.drop_column(column)


def downgrade():
    for table, columns in _by_table().items():  # columns added in place: no rebuild
        with op.batch_alter_table(table, schema=None, table_kwargs=SQLITE) as batch_op:
            for column, type_ in columns:
                batch_op.add_column(sa.Column(column, type_, nullable=True))
