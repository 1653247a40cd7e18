"""attendance_days: one covering (project, date, ...) index for payroll's build and the warning rules;
days no longer carry locked_at

The index replaces ix_attendance_days_project_date (its prefix). Without it MariaDB read whole rows,
or the whole table, for every batch of warnings (bench/README.md, "Warnings"). locked_at was stamped
on every day of a month at payroll approval and read by nobody: the month lock row
(attendance_month_locks) is what every refusal checks.

Revision ID: 0009_attendance_days_cover
Revises: 0008_oversight
Create Date: 2026-11-27 00:50:00.000000

"""
from alembic import op
import sqlalchemy as sa

import models.base


# revision identifiers, used by Alembic.
revision = '0009_attendance_days_cover'
down_revision = '0008_oversight'
branch_labels = None
depends_on = None

COVER = ['project_id', 'business_date', 'user_id', 'team_id', 'confirmed_by', 'status', 'corrected',
         'confirmed_at', 'worked_minutes']
# SQLite rebuilds the table to drop a column: keep AUTOINCREMENT (0004)
SQLITE = {'sqlite_autoincrement': True}


def upgrade():
    # created before the old index goes, so the project_id foreign key always has an index to use
    with op.batch_alter_table('attendance_days', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_days_project_date_cover', COVER, unique=False)
    with op.batch_alter_table('attendance_days', schema=None) as batch_op:
        batch_op.drop_index('ix_attendance_days_project_date')
    with op.batch_alter_table('attendance_days', schema=None, table_kwargs=SQLITE) as batch_op:
        batch_op.drop_column('locked_at')


def downgrade():
    with op.batch_alter_table('attendance_days', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_at', models.base.UTCDateTime(), nullable=True))
    with op.batch_alter_table('attendance_days', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_days_project_date', ['project_id', 'business_date'], unique=False)
    with op.batch_alter_table('attendance_days', schema=None) as batch_op:
        batch_op.drop_index('ix_attendance_days_project_date_cover')
