"""payroll in the law's order: the employer per payroll, supplementary and settlement payrolls,
slips confirmed before submission (hold / release), the general contractor's review, lawful
deductions with their basis, the project's payroll rules (confirmation window, settlement days,
minimum wage, pay day), the subcontractor clerk's company, the notice board's authorities, the
project's completion and wage-settlement dates (the wage records' retention runs from them)

Existing payrolls belong to their project's general contractor; existing slips that were
"issued" (after approval, the old order) become "to_confirm".

Revision ID: 0025_payroll_order
Revises: 0029_platform_push
Create Date: 2026-12-06 04:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import models.base


# revision identifiers, used by Alembic.
revision = '0025_payroll_order'
down_revision = '0029_platform_push'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
SQLITE = {'sqlite_autoincrement': True}


def upgrade():
    with op.batch_alter_table('payrolls', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.add_column(sa.Column('company_id', ID, nullable=True))
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='monthly'))
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('needs_review', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('settlement_user_id', ID, nullable=True))
        batch_op.add_column(sa.Column('due_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by', ID, nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', models.base.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key('fk_payrolls_company_id', 'companies', ['company_id'], ['id'])
        batch_op.create_foreign_key('fk_payrolls_settlement_user_id', 'users', ['settlement_user_id'], ['id'])
        batch_op.create_foreign_key('fk_payrolls_reviewed_by', 'users', ['reviewed_by'], ['id'])
    op.execute("UPDATE payrolls SET company_id = (SELECT MIN(pc.company_id) FROM project_companies pc "
               "WHERE pc.project_id = payrolls.project_id AND pc.role = 'general_contractor')")
    # the new unique key first: on MariaDB the project_id foreign key needs an index at every moment
    with op.batch_alter_table('payrolls', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.alter_column('company_id', existing_type=ID, nullable=False)
        batch_op.create_unique_constraint('uq_payroll_employer_month',
                                          ['project_id', 'month', 'company_id', 'kind', 'seq'])
    with op.batch_alter_table('payrolls', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.drop_constraint('uq_payroll_month', type_='unique')

    with op.batch_alter_table('payroll_lines', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.add_column(sa.Column('slip_version', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('slip_history', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('issued_at', models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('resolution', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('resolved_by', ID, nullable=True))
        batch_op.add_column(sa.Column('resolved_at', models.base.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key('fk_payroll_lines_resolved_by', 'users', ['resolved_by'], ['id'])
    op.execute("UPDATE payroll_lines SET slip_status = 'to_confirm' WHERE slip_status = 'issued'")
    op.execute("UPDATE payroll_lines SET slip_history = '[]'")
    with op.batch_alter_table('payroll_lines', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.alter_column('slip_history', existing_type=sa.JSON(), nullable=False)

    with op.batch_alter_table('payroll_deductions', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.add_column(sa.Column('basis', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('ack_signature_enc', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('ack_signature_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_at', models.base.UTCDateTime(), nullable=True))
    op.execute("UPDATE payroll_deductions SET kind = 'other_lawful', basis = reason WHERE kind = 'other'")

    with op.batch_alter_table('payroll_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slip_confirm_days', sa.Integer(), nullable=False, server_default='3'))
        batch_op.add_column(sa.Column('settlement_days', sa.Integer(), nullable=False, server_default='3'))
        batch_op.add_column(sa.Column('minimum_wage_fen', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('pay_day', sa.Integer(), nullable=True))

    with op.batch_alter_table('memberships', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.add_column(sa.Column('company_id', ID, nullable=True))
        batch_op.create_foreign_key('fk_memberships_company_id', 'companies', ['company_id'], ['id'])
    with op.batch_alter_table('invitations', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.add_column(sa.Column('company_id', ID, nullable=True))
        batch_op.create_foreign_key('fk_invitations_company_id', 'companies', ['company_id'], ['id'])
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('completed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('wages_settled_on', sa.Date(), nullable=True))
    with op.batch_alter_table('oversight_notice_boards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('authorities', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('published_at', models.base.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('oversight_notice_boards', schema=None) as batch_op:
        batch_op.drop_column('published_at')
        batch_op.drop_column('authorities')
    with op.batch_alter_table('projects', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.drop_column('wages_settled_on')
        batch_op.drop_column('completed_on')
    with op.batch_alter_table('invitations', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.drop_constraint('fk_invitations_company_id', type_='foreignkey')
        batch_op.drop_column('company_id')
    with op.batch_alter_table('memberships', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.drop_constraint('fk_memberships_company_id', type_='foreignkey')
        batch_op.drop_column('company_id')
    with op.batch_alter_table('payroll_rules', schema=None) as batch_op:
        for name in ('pay_day', 'minimum_wage_fen', 'settlement_days', 'slip_confirm_days'):
            batch_op.drop_column(name)
    op.execute("UPDATE payroll_deductions SET kind = 'other' WHERE kind <> 'advance'")
    with op.batch_alter_table('payroll_deductions', schema=None, table_kwargs=SQLITE) as batch_op:
        for name in ('acknowledged_at', 'ack_signature_sha256', 'ack_signature_enc', 'basis'):
            batch_op.drop_column(name)
    op.execute("UPDATE payroll_lines SET slip_status = 'issued' WHERE slip_status NOT IN ('confirmed', 'disputed')")
    with op.batch_alter_table('payroll_lines', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.drop_constraint('fk_payroll_lines_resolved_by', type_='foreignkey')
        for name in ('resolved_at', 'resolved_by', 'resolution', 'issued_at', 'slip_history', 'slip_version'):
            batch_op.drop_column(name)
    # a downgrade with more than one payroll per project and month fails on the old key, as it should
    with op.batch_alter_table('payrolls', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.create_unique_constraint('uq_payroll_month', ['project_id', 'month'])
    with op.batch_alter_table('payrolls', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.drop_constraint('uq_payroll_employer_month', type_='unique')
        batch_op.drop_constraint('fk_payrolls_reviewed_by', type_='foreignkey')
        batch_op.drop_constraint('fk_payrolls_settlement_user_id', type_='foreignkey')
        batch_op.drop_constraint('fk_payrolls_company_id', type_='foreignkey')
        for name in ('reviewed_at', 'reviewed_by', 'due_date', 'settlement_user_id', 'needs_review', 'seq', 'kind',
                     'company_id'):
            batch_op.drop_column(name)
