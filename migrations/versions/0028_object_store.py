"""Object store: stored_objects, and the references from evidence photos and signatures

The photo / signature columns that held AES-GCM text stay for now: `flask storage migrate`
moves their values into the store, then 0028_drop_blob_columns drops them.

Revision ID: 0028_object_store
Revises: 0027_identity_retention
Create Date: 2026-12-06 04:30:00.000000

"""
from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa

import models.base


# revision identifiers, used by Alembic.
revision = '0028_object_store'
down_revision = '0027_identity_retention'
branch_labels = None
depends_on = None

# SQLite rebuilds a table to add a foreign key: keep AUTOINCREMENT (0004)
SQLITE = {'sqlite_autoincrement': True}
REFERENCES = (('face_evidence', 'photo_object_id'), ('contracts', 'signature_object_id'),
              ('payroll_lines', 'signature_object_id'), ('payroll_deductions', 'ack_signature_object_id'))


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
    op.create_table('stored_objects',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('context', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('envelope', sa.String(length=64), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key'),
    sqlite_autoincrement=True,
    )
    with _rebuilding():
        for table, column in REFERENCES:
            with op.batch_alter_table(table, schema=None, table_kwargs=SQLITE) as batch_op:
                batch_op.add_column(sa.Column(column, sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                              nullable=True))
                batch_op.create_foreign_key(f'fk_{table}_{column}', 'stored_objects', [column], ['id'])


def downgrade():
    with _rebuilding():
        for table, column in REFERENCES:
            with op.batch_alter_table(table, schema=None, table_kwargs=SQLITE) as batch_op:
                batch_op.drop_constraint(f'fk_{table}_{column}', type_='foreignkey')
                batch_op.drop_column(column)
    op.drop_table('stored_objects')
