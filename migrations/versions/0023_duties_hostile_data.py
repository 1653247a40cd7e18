"""Separation of duties and hostile data (issue 23): one card one payee (blind index), the payee frozen
at payroll approval, warnings that reopen, one-use dashboard links, notice boards published under an
unguessable id.

Revision ID: 0023_duties_hostile_data
Revises: 0028_drop_blob_columns
Create Date: 2026-12-06 04:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import models.base


# revision identifiers, used by Alembic.
revision = '0023_duties_hostile_data'
down_revision = '0028_drop_blob_columns'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
SQLITE = {'sqlite_autoincrement': True}


def upgrade():
    with op.batch_alter_table('worker_profiles', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.add_column(sa.Column('bank_card_bidx', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_worker_profiles_bank_card_bidx', ['bank_card_bidx'])
    with op.batch_alter_table('payroll_lines', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.add_column(sa.Column('payee_name_enc', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('payee_card_enc', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('payee_bank_name', sa.String(length=64), nullable=True))
    with op.batch_alter_table('oversight_warnings', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.add_column(sa.Column('reopened_at', models.base.UTCDateTime(), nullable=True))
    with op.batch_alter_table('oversight_notice_boards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_id', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('show_join_qr', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_unique_constraint('uq_oversight_notice_boards_public_id', ['public_id'])
    op.create_table('oversight_dashboard_link_uses',
    sa.Column('link_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', ID, nullable=False),
    sa.Column('used_at', models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_oversight_dashboard_link_uses_user_id_users')),
    sa.PrimaryKeyConstraint('link_id', name=op.f('pk_oversight_dashboard_link_uses'))
    )


def downgrade():
    op.drop_table('oversight_dashboard_link_uses')
    with op.batch_alter_table('oversight_notice_boards', schema=None) as batch_op:
        batch_op.drop_constraint('uq_oversight_notice_boards_public_id', type_='unique')
        batch_op.drop_column('show_join_qr')
        batch_op.drop_column('public_id')
    with op.batch_alter_table('oversight_warnings', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.drop_column('reopened_at')
    with op.batch_alter_table('payroll_lines', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.drop_column('payee_bank_name')
        batch_op.drop_column('payee_card_enc')
        batch_op.drop_column('payee_name_enc')
    with op.batch_alter_table('worker_profiles', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.drop_constraint('uq_worker_profiles_bank_card_bidx', type_='unique')
        batch_op.drop_column('bank_card_bidx')
