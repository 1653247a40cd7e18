"""Object store: references from the signatures, seals and photos issues 26/27 added

contracts.employer_signature, contract_amendments.signature / employer_signature, companies.seal,
identity_verifications.document_photo and consents.form_photo get a `*_object_id` (stored_objects).
Their AES-GCM text columns stay for now: `flask storage migrate` moves the values into the store,
then 0028b_drop_more_blobs drops them.

Revision ID: 0028b_more_object_refs
Revises: 0026b_amendment_witness
Create Date: 2026-12-06 07:00:00.000000

"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0028b_more_object_refs'
down_revision = '0026b_amendment_witness'
branch_labels = None
depends_on = None

# SQLite rebuilds a table to add a foreign key: keep AUTOINCREMENT (0004)
SQLITE = {'sqlite_autoincrement': True}
REFERENCES = {
    'contracts': ('employer_signature_object_id',),
    'contract_amendments': ('signature_object_id', 'employer_signature_object_id'),
    'companies': ('seal_object_id',),
    'identity_verifications': ('document_photo_object_id',),
    'consents': ('form_photo_object_id',),
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


def upgrade():
    with _rebuilding():
        for table, columns in REFERENCES.items():
            with op.batch_alter_table(table, schema=None, table_kwargs=SQLITE) as batch_op:
                for column in columns:
                    batch_op.add_column(sa.Column(column, sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                                  nullable=True))
                    batch_op.create_foreign_key(f'fk_{table}_{column}', 'stored_objects', [column], ['id'])


def downgrade():
    with _rebuilding():
        for table, columns in REFERENCES.items():
            with op.batch_alter_table(table, schema=None, table_kwargs=SQLITE) as batch_op:
                for column in columns:
                    batch_op.drop_constraint(f'fk_{table}_{column}', type_='foreignkey')
                    batch_op.drop_column(column)
