"""Issued documents: generated PDFs kept in the object store as they were issued

A sealed contract, a payroll's final wage sheet and each payment voucher: rendered once, kept
encrypted in the store (stored_objects), streamed on every later download.

Revision ID: 0028c_issued_documents
Revises: 0028b_drop_more_blobs
Create Date: 2026-12-06 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import models.base


# revision identifiers, used by Alembic.
revision = '0028c_issued_documents'
down_revision = '0028b_drop_more_blobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('issued_documents',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('owner_id', sa.BigInteger(), nullable=False),
    sa.Column('revision', sa.BigInteger(), nullable=False),
    sa.Column('pdf_object_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('issued_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('issued_at', models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['pdf_object_id'], ['stored_objects.id'], ),
    sa.ForeignKeyConstraint(['issued_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'owner_id', 'revision', name='uq_issued_document'),
    sqlite_autoincrement=True,
    )


def downgrade():
    op.drop_table('issued_documents')
