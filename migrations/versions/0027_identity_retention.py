"""identity: verifications, claim codes, impact assessments; ID type on profiles; paper consents;
witnessed contract signing (projects.completed_on / wages_settled_on come from 0025_payroll_order)

Revision ID: 0027_identity_retention
Revises: 0026_contract_parties
Create Date: 2026-12-06 04:20:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

import models.base


# revision identifiers, used by Alembic.
revision = '0027_identity_retention'
down_revision = '0026_contract_parties'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
PHOTO = sa.Text().with_variant(mysql.LONGTEXT(), 'mysql')
SQLITE = {'sqlite_autoincrement': True}


def upgrade():
    op.create_table('identity_verifications',
    sa.Column('id', ID, nullable=False),
    sa.Column('user_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=True),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=True),
    sa.Column('id_number_bidx', sa.String(length=64), nullable=False),
    sa.Column('verified_by', ID, nullable=True),
    sa.Column('note', sa.String(length=256), nullable=True),
    sa.Column('wechat_identify_ret', sa.Integer(), nullable=True),
    sa.Column('document_photo_enc', PHOTO, nullable=True),
    sa.Column('document_photo_purged_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['verified_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('identity_verifications', schema=None) as batch_op:
        batch_op.create_index('ix_identity_verifications_user', ['user_id', 'status'], unique=False)

    op.create_table('claim_codes',
    sa.Column('id', ID, nullable=False),
    sa.Column('user_id', ID, nullable=False),
    sa.Column('code_bidx', sa.String(length=64), nullable=False),
    sa.Column('created_by', ID, nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('expires_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('used_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('used_by_openid_bidx', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_bidx'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('claim_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_codes_user_id'), ['user_id'], unique=False)

    op.create_table('impact_assessments',
    sa.Column('id', ID, nullable=False),
    sa.Column('subject', sa.String(length=32), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('necessity', sa.Text(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('assessed_by', sa.String(length=128), nullable=False),
    sa.Column('recorded_at', models.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )

    with op.batch_alter_table('worker_profiles', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.add_column(sa.Column('id_type', sa.String(length=4), server_default='01', nullable=False))
    with op.batch_alter_table('consents', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.add_column(sa.Column('method', sa.String(length=8), server_default='app', nullable=False))
        batch_op.add_column(sa.Column('recorded_by', ID, nullable=True))
        batch_op.add_column(sa.Column('form_photo_enc', PHOTO, nullable=True))
        batch_op.create_foreign_key('fk_consents_recorded_by_users', 'users', ['recorded_by'], ['id'])
    with op.batch_alter_table('contracts', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.add_column(sa.Column('witnessed_by', ID, nullable=True))
        batch_op.add_column(sa.Column('witnessed_at', models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('witness_note', sa.String(length=256), nullable=True))
        batch_op.create_foreign_key('fk_contracts_witnessed_by_users', 'users', ['witnessed_by'], ['id'])


def downgrade():
    with op.batch_alter_table('contracts', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.drop_constraint('fk_contracts_witnessed_by_users', type_='foreignkey')
        batch_op.drop_column('witness_note')
        batch_op.drop_column('witnessed_at')
        batch_op.drop_column('witnessed_by')
    with op.batch_alter_table('consents', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.drop_constraint('fk_consents_recorded_by_users', type_='foreignkey')
        batch_op.drop_column('form_photo_enc')
        batch_op.drop_column('recorded_by')
        batch_op.drop_column('method')
    with op.batch_alter_table('worker_profiles', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.drop_column('id_type')
    op.drop_table('impact_assessments')
    # the tables go with their indexes (MariaDB refuses to drop an index a foreign key uses)
    op.drop_table('claim_codes')
    op.drop_table('identity_verifications')
