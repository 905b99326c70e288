"""column mappings of household registers, remembered per area and header (column_mapping)

Revision ID: 0011_register
Revises: 0010_campaigns
Create Date: 2026-12-02 12:50:00

"""
from alembic import op
import sqlalchemy as sa
import models.base

revision = '0011_register'
down_revision = '0010_campaigns'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('column_mapping',
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('header_key', sa.String(length=64), nullable=False),
    sa.Column('mapping', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_column_mapping_updated_by_id_user'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_column_mapping_area_id_area'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('area_id', 'header_key', name=op.f('pk_column_mapping'))
    )


def downgrade():
    op.drop_table('column_mapping')
