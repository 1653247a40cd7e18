"""变更协议 signed without face processing: the labour manager's witness, as for the contract

Revision ID: 0026b_amendment_witness
Revises: 0023c_bank_card_refusals
Create Date: 2026-12-06 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import models.base


# revision identifiers, used by Alembic.
revision = '0026b_amendment_witness'
down_revision = '0023c_bank_card_refusals'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    with op.batch_alter_table('contract_amendments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('witnessed_by', ID, nullable=True))
        batch_op.add_column(sa.Column('witnessed_at', models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('witness_note', sa.String(length=256), nullable=True))
        batch_op.create_foreign_key('fk_contract_amendments_witnessed_by_users', 'users', ['witnessed_by'], ['id'])


def downgrade():
    with op.batch_alter_table('contract_amendments', schema=None) as batch_op:
        batch_op.drop_constraint('fk_contract_amendments_witnessed_by_users', type_='foreignkey')
        batch_op.drop_column('witness_note')
        batch_op.drop_column('witnessed_at')
        batch_op.drop_column('witnessed_by')
