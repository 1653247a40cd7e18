"""Drop the emptied blob columns (face_evidence.photo_enc, contracts/payroll_lines.signature_enc,
payroll_deductions.ack_signature_enc)

Refuses while any of them still holds a value: `flask storage migrate` moves those into the
object store first (batches, resumable), then `flask db upgrade` runs this. A fresh database
has nothing to move. The downgrade brings the columns back empty: the photos stay in the store.

Revision ID: 0028_drop_blob_columns
Revises: 0028_object_store
Create Date: 2026-12-06 04:31:00.000000

"""
from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql


# revision identifiers, used by Alembic.
revision = '0028_drop_blob_columns'
down_revision = '0028_object_store'
branch_labels = None
depends_on = None

SQLITE = {'sqlite_autoincrement': True}
COLUMNS = {
    ('face_evidence', 'photo_enc'): sa.Text().with_variant(mysql.LONGTEXT(), 'mysql'),
    ('contracts', 'signature_enc'): sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mysql'),
    ('payroll_lines', 'signature_enc'): sa.Text(),
    ('payroll_deductions', 'ack_signature_enc'): sa.Text(),
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
    """SQLite rebuilds these tables (batch mode) while other rows reference them (an amendment or a pay
    line its contract): foreign keys off while a table is dropped and renamed, then checked (as in 0004)."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        _set_foreign_keys(False)
    yield
    if sqlite:
        broken = op.get_bind().exec_driver_sql('PRAGMA foreign_key_check').all()
        if broken:
            raise RuntimeError(f'foreign keys broken by the rebuild: {broken[:5]}')
        _set_foreign_keys(True)


def upgrade():
    conn = op.get_bind()
    left = {f'{t}.{c}': conn.execute(sa.text(f'SELECT COUNT(*) FROM {t} WHERE {c} IS NOT NULL')).scalar_one()
            for t, c in COLUMNS}
    if any(left.values()):
        # dropping them would lose photos and signatures: nothing is dropped, the upgrade stops here
        raise RuntimeError(f'blobs still in the database {left}: run `flask storage migrate`, '
                           'then `flask db upgrade` again')
    with _rebuilding():
        for table, column in COLUMNS:
            with op.batch_alter_table(table, schema=None, table_kwargs=SQLITE) as batch_op:
                batch_op.drop_column(column)


def downgrade():
    for (table, column), type_ in COLUMNS.items():
        with op.batch_alter_table(table, schema=None, table_kwargs=SQLITE) as batch_op:
            batch_op.add_column(sa.Column(column, type_, nullable=True))
