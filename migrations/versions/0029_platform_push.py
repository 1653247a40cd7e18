"""the national platform: its project code and teamSysNo, the worker's platform fields, and the
outbox's asynchronous results (requestSerialCode, accepted / rejected with the reason, what is missing)

Events marked delivered before were never confirmed by the platform (no AsyncHandleResult.Query):
they go back to pending and are checked and sent again (thirdSerialCode keeps one copy there).

Revision ID: 0029_platform_push
Revises: 0009_attendance_days_cover
Create Date: 2026-12-06 04:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import models.base


# revision identifiers, used by Alembic.
revision = '0029_platform_push'
down_revision = '0009_attendance_days_cover'
branch_labels = None
depends_on = None

PROFILE = (('nation', 2), ('culture_level', 2), ('political_status', 2), ('id_issuer', 64), ('id_valid_to', 10))


def upgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('platform_code', sa.String(length=32), nullable=True))
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('platform_team_sys_no', sa.String(length=32), nullable=True))
    with op.batch_alter_table('worker_profiles', schema=None) as batch_op:
        for name, length in PROFILE:
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=True))
        batch_op.add_column(sa.Column('id_valid_from', sa.Date(), nullable=True))
    with op.batch_alter_table('oversight_push_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('missing', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('request_serial_code', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('sent_at', models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('queries', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('reason', sa.String(length=500), nullable=True))
    # attendance now goes per decided clock (kind clock_decided); the per-day events are closed
    op.execute("UPDATE oversight_push_events SET status = 'dead', "
               "last_error = 'superseded: attendance is pushed per clock (0029)' WHERE kind = 'attendance_day'")
    op.execute("UPDATE oversight_push_events SET status = 'pending', attempts = 0, delivered_at = NULL "
               "WHERE status = 'delivered'")


def downgrade():
    op.execute("UPDATE oversight_push_events SET status = 'delivered' WHERE status = 'accepted'")
    op.execute("UPDATE oversight_push_events SET status = 'pending' WHERE status IN ('incomplete', 'sent', 'rejected')")
    with op.batch_alter_table('oversight_push_events', schema=None) as batch_op:
        for name in ('reason', 'queries', 'sent_at', 'request_serial_code', 'missing'):
            batch_op.drop_column(name)
    with op.batch_alter_table('worker_profiles', schema=None) as batch_op:
        batch_op.drop_column('id_valid_from')
        for name, _ in reversed(PROFILE):
            batch_op.drop_column(name)
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_column('platform_team_sys_no')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('platform_code')
