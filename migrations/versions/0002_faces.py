"""faces: checks, templates, evidence, challenges

Revision ID: 0002_faces
Revises: 0001_foundation
Create Date: 2026-11-26 01:06:30.305743

"""
from alembic import op
import sqlalchemy as sa

import models.base
from sqlalchemy.dialects import mysql

revision = '0002_faces'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('face_challenges',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('movement', sa.String(length=16), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('issued_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('expires_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('used_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('used_by_check_id', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('nonce')
    )
    with op.batch_alter_table('face_challenges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_face_challenges_user_id'), ['user_id'], unique=False)

    op.create_table('face_checks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('liveness_mode', sa.String(length=16), nullable=False),
    sa.Column('challenge_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason_code', sa.String(length=40), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.Column('distance', sa.Float(), nullable=True),
    sa.Column('threshold', sa.Float(), nullable=True),
    sa.Column('anti_spoof_score', sa.Float(), nullable=True),
    sa.Column('anti_spoof_real', sa.Boolean(), nullable=True),
    sa.Column('model_name', sa.String(length=32), nullable=True),
    sa.Column('model_version', sa.String(length=80), nullable=True),
    sa.Column('detector', sa.String(length=32), nullable=True),
    sa.Column('timings', sa.JSON(), nullable=True),
    sa.Column('template_id', sa.BigInteger(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('started_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('finished_at', models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['challenge_id'], ['face_challenges.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('face_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_face_checks_status'), ['status'], unique=False)
        batch_op.create_index('ix_face_checks_user_created', ['user_id', 'created_at'], unique=False)

    op.create_table('face_evidence',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('check_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('frame_index', sa.Integer(), nullable=False),
    sa.Column('photo_enc', sa.Text().with_variant(mysql.LONGTEXT(), 'mysql'), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('purged_at', models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['check_id'], ['face_checks.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('face_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_face_evidence_check_id'), ['check_id'], unique=False)
        batch_op.create_index('ix_face_evidence_purge', ['purged_at', 'created_at'], unique=False)

    op.create_table('face_templates',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source_check_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('embedding_enc', sa.Text(), nullable=False),
    sa.Column('model_name', sa.String(length=32), nullable=False),
    sa.Column('model_version', sa.String(length=80), nullable=False),
    sa.Column('detector', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('retired_at', models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['source_check_id'], ['face_checks.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('face_templates', schema=None) as batch_op:
        batch_op.create_index('ix_face_templates_user_status', ['user_id', 'status'], unique=False)



def downgrade():
    # Dropping a table drops its indexes; dropping them first fails on MariaDB, which keeps
    # an index a foreign key needs (error 1553). Children before parents.
    op.drop_table('face_templates')
    op.drop_table('face_evidence')
    op.drop_table('face_checks')
    op.drop_table('face_challenges')
