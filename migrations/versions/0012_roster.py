"""workers' phones (encrypted, one account per number by a unique blind index) and roster invite sheets

Revision ID: 0012_roster
Revises: 0011_register
Create Date: 2026-12-02 12:40:00

"""
from alembic import op
import sqlalchemy as sa
import models.base

revision = '0012_roster'
down_revision = '0011_register'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('phone_index', sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_phone_index'), ['phone_index'], unique=True)
    op.create_table('roster_sheet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=43), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('cards', sa.Text(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_roster_sheet_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['imported_by_id'], ['user.id'], name=op.f('fk_roster_sheet_imported_by_id_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_sheet')),
    sa.UniqueConstraint('token', name=op.f('uq_roster_sheet_token'))
    )
    with op.batch_alter_table('roster_sheet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_sheet_imported_by_id'), ['imported_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('roster_sheet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_sheet_imported_by_id'))
    op.drop_table('roster_sheet')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_phone_index'))
        batch_op.drop_column('phone_index')
        batch_op.drop_column('phone')
