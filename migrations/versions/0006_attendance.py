"""attendance: clocks, days, corrections, disputes, rules, month locks

Revision ID: 0006_attendance
Revises: 0005_enrollment
Create Date: 2026-11-26 22:06:15.074375

"""
from alembic import op
import sqlalchemy as sa

import models.base


# revision identifiers, used by Alembic.
revision = '0006_attendance'
down_revision = '0005_enrollment'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('attendance_month_locks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('locked_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('reference', sa.String(length=64), nullable=True),
    sa.Column('locked_at', models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['locked_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'month', name='uq_attendance_month_lock')
    )
    op.create_table('attendance_rules',
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('day_starts_minute', sa.Integer(), nullable=False),
    sa.Column('full_day_minutes', sa.Integer(), nullable=False),
    sa.Column('half_day_minutes', sa.Integer(), nullable=False),
    sa.Column('late_upload_hours', sa.Integer(), nullable=False),
    sa.Column('merge_window_minutes', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('updated_at', models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('project_id')
    )
    op.create_table('attendance_days',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('team_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('first_in', models.base.UTCDateTime(), nullable=True),
    sa.Column('last_out', models.base.UTCDateTime(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('worked_minutes', sa.Integer(), nullable=False),
    sa.Column('computed_status', sa.String(length=16), nullable=False),
    sa.Column('computed_worked_minutes', sa.Integer(), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('corrected', sa.Boolean(), nullable=False),
    sa.Column('confirmed_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('confirmed_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('locked_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('updated_at', models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['confirmed_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'user_id', 'business_date', name='uq_attendance_day')
    )
    with op.batch_alter_table('attendance_days', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_days_project_date', ['project_id', 'business_date'], unique=False)
        batch_op.create_index('ix_attendance_days_team_date', ['team_id', 'business_date'], unique=False)

    op.create_table('attendance_disputes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('team_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('resolved_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('resolved_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.ForeignKeyConstraint(['resolved_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('attendance_disputes', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_disputes_project', ['project_id', 'status', 'business_date'], unique=False)

    op.create_table('attendance_clocks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('team_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('taken_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('received_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('lat', sa.Double(), nullable=False),
    sa.Column('lng', sa.Double(), nullable=False),
    sa.Column('accuracy_m', sa.Double(), nullable=False),
    sa.Column('distance_m', sa.Double(), nullable=True),
    sa.Column('device_id', sa.String(length=64), nullable=True),
    sa.Column('face_check_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason_code', sa.String(length=40), nullable=True),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('buddy_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('merged_count', sa.Integer(), nullable=False),
    sa.Column('witnessed_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('decided_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['buddy_user_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['face_check_id'], ['face_checks.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['witnessed_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('face_check_id')
    )
    with op.batch_alter_table('attendance_clocks', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_clocks_day', ['project_id', 'business_date'], unique=False)
        batch_op.create_index('ix_attendance_clocks_coordinates', ['project_id', 'lat', 'lng'], unique=False)
        batch_op.create_index('ix_attendance_clocks_device', ['device_id', 'taken_at'], unique=False)
        batch_op.create_index('ix_attendance_clocks_status', ['status', 'received_at'], unique=False)
        batch_op.create_index('ix_attendance_clocks_user_taken', ['user_id', 'taken_at'], unique=False)
        batch_op.create_index('ix_attendance_clocks_worker', ['project_id', 'user_id', 'taken_at'], unique=False)

    op.create_table('attendance_corrections',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('day_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=False),
    sa.Column('from_worked_minutes', sa.Integer(), nullable=False),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('to_worked_minutes', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('corrected_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['corrected_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['day_id'], ['attendance_days.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('attendance_corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_corrections_day_id'), ['day_id'], unique=False)


def downgrade():
    op.drop_table('attendance_corrections')
    op.drop_table('attendance_clocks')
    op.drop_table('attendance_disputes')
    op.drop_table('attendance_days')
    op.drop_table('attendance_rules')
    op.drop_table('attendance_month_locks')
