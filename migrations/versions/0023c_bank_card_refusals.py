"""bank cards refused because another worker holds them: kept for the labour manager's review

Revision ID: 0023c_bank_card_refusals
Revises: 0023_duties_hostile_data
Create Date: 2026-12-06 07:15:00.000000

"""
from alembic import op
import sqlalchemy as sa

import models.base


# revision identifiers, used by Alembic.
revision = '0023c_bank_card_refusals'
down_revision = '0023_duties_hostile_data'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('bank_card_refusals',
    sa.Column('id', ID, nullable=False),
    sa.Column('user_id', ID, nullable=False),
    sa.Column('holder_user_id', ID, nullable=False),
    sa.Column('bank_card_last4', sa.String(length=4), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['holder_user_id'], ['users.id'], name=op.f('fk_bank_card_refusals_holder_user_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_bank_card_refusals_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_card_refusals')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('bank_card_refusals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_card_refusals_holder_user_id'), ['holder_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_card_refusals_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('bank_card_refusals')  # its indexes go with it (MariaDB keeps them while the FKs need them)
