"""buildings say where their position came from (position_source, who and when), and lat/lng are set together

Revision ID: 0013_mapping
Revises: 0012_roster
Create Date: 2026-12-02 12:40:00

"""
from alembic import op
import sqlalchemy as sa
import models.base

revision = '0013_mapping'
down_revision = '0012_roster'
branch_labels = None
depends_on = None


def upgrade():
    # Half a position is no position: a building with only one of the two coordinates loses both.
    op.execute("UPDATE building SET lat = NULL, lng = NULL WHERE lat IS NULL OR lng IS NULL")
    with op.batch_alter_table('building', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position_source', sa.Enum('imported', 'placed', 'accepted',
                                                                 name='position_source', native_enum=False,
                                                                 create_constraint=True, length=10), nullable=True))
        batch_op.add_column(sa.Column('positioned_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('positioned_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_building_positioned_by_id_user'), 'user', ['positioned_by_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_building_lat_lng_together'), '(lat IS NULL) = (lng IS NULL)')
        batch_op.create_check_constraint(op.f('ck_building_source_needs_position'), 'lat IS NOT NULL OR position_source IS NULL')
    # Every position already stored came in with the data (register, seed): imported.
    op.execute("UPDATE building SET position_source = 'imported' WHERE lat IS NOT NULL")


def downgrade():
    with op.batch_alter_table('building', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_building_source_needs_position'), type_='check')
        batch_op.drop_constraint(op.f('ck_building_lat_lng_together'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_building_positioned_by_id_user'), type_='foreignkey')
        if op.get_bind().dialect.name == "sqlite":  # the table is rebuilt: the column's CHECK must go first
            batch_op.drop_constraint(op.f('ck_building_position_source'), type_='check')
        batch_op.drop_column('positioned_at')
        batch_op.drop_column('positioned_by_id')
        batch_op.drop_column('position_source')
