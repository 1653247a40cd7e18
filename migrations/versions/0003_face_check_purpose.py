"""face checks say what they are for (purpose, purpose_id)

Revision ID: 0003_face_check_purpose
Revises: 0002_faces
Create Date: 2026-11-26 22:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0003_face_check_purpose'
down_revision = '0002_faces'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('face_checks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('purpose_id', sa.BigInteger(), nullable=True))
        batch_op.create_index('ix_face_checks_purpose', ['purpose', 'purpose_id'], unique=False)


def downgrade():
    with op.batch_alter_table('face_checks', schema=None) as batch_op:
        batch_op.drop_index('ix_face_checks_purpose')
        batch_op.drop_column('purpose_id')
        batch_op.drop_column('purpose')
