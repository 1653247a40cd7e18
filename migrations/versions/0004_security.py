"""security: invitations, company verification, face re-enrollment approvals, AUTOINCREMENT ids on SQLite

Revision ID: 0004_security
Revises: 0003_face_check_purpose
Create Date: 2026-11-26 22:05:00

"""
from alembic import op
import sqlalchemy as sa

import models.base


# revision identifiers, used by Alembic.
revision = '0004_security'
down_revision = '0003_face_check_purpose'
branch_labels = None
depends_on = None

# SQLite reflects the unnamed UNIQUE(uscc) of 0001 without a name; batch mode names it by this
SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    op.create_table('invitations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('team_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('expires_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('accepted_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('accepted_at', models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['accepted_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_hash'),
    sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_invitations_project_id'), 'invitations', ['project_id'], unique=False)
    op.create_table('face_reenrollments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('approved_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('approved_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('expires_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('check_id', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_face_reenrollments_user_id'), 'face_reenrollments', ['user_id'], unique=False)

    sqlite = _sqlite()
    with op.batch_alter_table('companies', naming_convention=SQLITE_NAMES if sqlite else None) as batch_op:
        batch_op.add_column(sa.Column('verified', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('verified_at', models.base.UTCDateTime(), nullable=True))
        # several users may claim one USCC now; the verified one is unique (services/companies.py)
        batch_op.drop_constraint('uq_companies_uscc' if sqlite else 'uscc', type_='unique')
        batch_op.create_index(batch_op.f('ix_companies_uscc'), ['uscc'], unique=False)
        batch_op.create_unique_constraint('uq_company_uscc_creator', ['uscc', 'created_by'])
    with op.batch_alter_table('companies') as batch_op:
        batch_op.alter_column('verified', server_default=None)

    if sqlite:
        _sqlite_autoincrement_everywhere()


def _set_foreign_keys(on: bool) -> None:
    """PRAGMA foreign_keys only takes effect outside a transaction (models/base.py begins them)."""
    sqlite_conn = op.get_bind().connection.driver_connection
    if sqlite_conn.in_transaction:
        sqlite_conn.execute("COMMIT")
    sqlite_conn.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")
    sqlite_conn.execute("BEGIN IMMEDIATE")


def _sqlite_autoincrement_everywhere() -> None:
    """Rebuild every table with AUTOINCREMENT so a deleted row's id is never handed out again.

    SQLite's recipe for a table rebuild (sqlite.org/lang_altertable.html#otheralter): foreign
    keys off while tables that others reference are dropped and renamed, then checked."""
    _set_foreign_keys(False)
    names = [n for n in sa.inspect(op.get_bind()).get_table_names() if n != "alembic_version"]
    for name in names:
        with op.batch_alter_table(name, recreate="always", table_kwargs={"sqlite_autoincrement": True}):
            pass
    broken = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"foreign keys broken by the rebuild: {broken[:5]}")
    _set_foreign_keys(True)


def downgrade():
    sqlite = _sqlite()
    with op.batch_alter_table('companies', naming_convention=SQLITE_NAMES if sqlite else None) as batch_op:
        batch_op.drop_constraint('uq_company_uscc_creator', type_='unique')
        batch_op.drop_index(batch_op.f('ix_companies_uscc'))
        batch_op.create_unique_constraint('uq_companies_uscc' if sqlite else 'uscc', ['uscc'])
        batch_op.drop_column('verified_at')
        batch_op.drop_column('verified')
    # dropping the tables drops their indexes (MariaDB refuses to drop an index a foreign key uses)
    op.drop_table('face_reenrollments')
    op.drop_table('invitations')
