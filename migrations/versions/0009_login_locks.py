"""failed password logins are counted per account and client address (login_lock), not per account

Revision ID: 0009_login_locks
Revises: 0008_login_sessions
Create Date: 2026-12-02 07:30:00

"""
from alembic import op
import sqlalchemy as sa
import models.base

revision = '0009_login_locks'
down_revision = '0008_login_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_lock',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=45), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_failed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_login_lock_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'address', name=op.f('pk_login_lock'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', models.base.UTCDateTime(timezone=True), nullable=True))
    op.drop_table('login_lock')
