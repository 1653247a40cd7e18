"""contracts: both parties (employer particulars and e-seal, employer signature; the signatory role's company
is memberships.company_id from 0025_payroll_order),
the kind of agreement (劳动合同 / 用工书面协议) and why, supplementary agreements (变更协议);
worker profiles gain an address and the pension flag

Revision ID: 0026_contract_parties
Revises: 0025_payroll_order
Create Date: 2026-12-06 04:30:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

import models.base


# revision identifiers, used by Alembic.
revision = '0026_contract_parties'
down_revision = '0025_payroll_order'
branch_labels = None
depends_on = None

# SQLite rebuilds a table to add a foreign key: keep AUTOINCREMENT (0004)
SQLITE = {'sqlite_autoincrement': True}
ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
MEDIUM = sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mysql')


def upgrade():
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_representative', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('address', sa.String(length=256), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('seal_enc', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('seal_sha256', sa.String(length=64), nullable=True))
    with op.batch_alter_table('worker_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address_enc', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('address_masked', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('draws_pension', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('contracts', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=False,
                                      server_default='labour_contract'))
        batch_op.add_column(sa.Column('kind_reason', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('employer_company_id', ID, nullable=True))
        batch_op.add_column(sa.Column('worker_signed_at', models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('employer_signer_id', ID, nullable=True))
        batch_op.add_column(sa.Column('employer_signature_enc', MEDIUM, nullable=True))
        batch_op.add_column(sa.Column('employer_signature_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('employer_signed_at', models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('employer_sign_method', sa.String(length=16), nullable=True))
        batch_op.create_foreign_key('fk_contracts_employer_company_id', 'companies', ['employer_company_id'], ['id'])
        batch_op.create_foreign_key('fk_contracts_employer_signer_id', 'users', ['employer_signer_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_contracts_employer_company_id'), ['employer_company_id'], unique=False)
    with op.batch_alter_table('contract_templates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('term_type', sa.String(length=8), nullable=False, server_default='task'))
        batch_op.add_column(sa.Column('hours_system', sa.String(length=16), nullable=False,
                                      server_default='standard'))
        batch_op.add_column(sa.Column('hours_approval_no', sa.String(length=64), nullable=True))
    op.create_table('contract_amendments',
    sa.Column('id', ID, nullable=False),
    sa.Column('contract_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('user_id', ID, nullable=False),
    sa.Column('employer_company_id', ID, nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=128), nullable=False),
    sa.Column('body_enc', MEDIUM, nullable=False),
    sa.Column('wage_type', sa.String(length=8), nullable=False),
    sa.Column('wage_amount_fen', sa.Integer(), nullable=False),
    sa.Column('pay_day', sa.Integer(), nullable=False),
    sa.Column('term_end', sa.Date(), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('created_by', ID, nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('signing_check_id', ID, nullable=True),
    sa.Column('signature_enc', MEDIUM, nullable=True),
    sa.Column('signature_sha256', sa.String(length=64), nullable=True),
    sa.Column('worker_signed_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('employer_signer_id', ID, nullable=True),
    sa.Column('employer_signature_enc', MEDIUM, nullable=True),
    sa.Column('employer_signature_sha256', sa.String(length=64), nullable=True),
    sa.Column('employer_signed_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('employer_sign_method', sa.String(length=16), nullable=True),
    sa.Column('signed_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('content_sha256', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['employer_company_id'], ['companies.id'], ),
    sa.ForeignKeyConstraint(['employer_signer_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.ForeignKeyConstraint(['signing_check_id'], ['face_checks.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('contract_amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_amendments_contract_id'), ['contract_id'], unique=False)


def downgrade():
    op.drop_table('contract_amendments')  # its index goes with it (MariaDB keeps it for the foreign key until then)
    with op.batch_alter_table('contract_templates', schema=None, table_kwargs=SQLITE) as batch_op:
        for column in ('hours_approval_no', 'hours_system', 'term_type'):
            batch_op.drop_column(column)
    with op.batch_alter_table('contracts', schema=None, table_kwargs=SQLITE) as batch_op:
        # the foreign keys first: MariaDB will not drop an index a foreign key uses
        batch_op.drop_constraint('fk_contracts_employer_signer_id', type_='foreignkey')
        batch_op.drop_constraint('fk_contracts_employer_company_id', type_='foreignkey')
    with op.batch_alter_table('contracts', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contracts_employer_company_id'))
        for column in ('employer_sign_method', 'employer_signed_at', 'employer_signature_sha256', 'employer_signature_enc',
                       'employer_signer_id', 'worker_signed_at', 'employer_company_id', 'kind_reason', 'kind'):
            batch_op.drop_column(column)
    with op.batch_alter_table('worker_profiles', schema=None, table_kwargs=SQLITE) as batch_op:
        for column in ('draws_pension', 'address_masked', 'address_enc'):
            batch_op.drop_column(column)
    with op.batch_alter_table('companies', schema=None, table_kwargs=SQLITE) as batch_op:
        for column in ('seal_sha256', 'seal_enc', 'phone', 'address', 'legal_representative'):
            batch_op.drop_column(column)
