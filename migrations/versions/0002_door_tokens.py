"""door tokens on households; the shared WeChat access token

Revision ID: 0002_door_tokens
Revises: 0001_registry
Create Date: 2026-11-23 17:20:00

"""
import secrets

from alembic import op
import sqlalchemy as sa

import models.base

revision = '0002_door_tokens'
down_revision = '0001_registry'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('wechat_access_token',
    sa.Column('appid', sa.String(length=64), nullable=False),
    sa.Column('access_token', sa.String(length=512), nullable=False),
    sa.Column('expires_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('appid', name=op.f('pk_wechat_access_token'))
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token', sa.String(length=24), nullable=True))

    # Give every existing household its door token, in batches.
    connection = op.get_bind()
    household = sa.table('household', sa.column('id', sa.Integer), sa.column('token', sa.String))
    last_id = 0
    while True:
        ids = connection.execute(sa.select(household.c.id).where(household.c.id > last_id)
                                 .order_by(household.c.id).limit(10000)).scalars().all()
        if not ids:
            break
        connection.execute(household.update().where(household.c.id == sa.bindparam('_id'))
                           .values(token=sa.bindparam('token')),
                           [{'_id': i, 'token': secrets.token_urlsafe(12)} for i in ids])
        last_id = ids[-1]

    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.alter_column('token', existing_type=sa.String(length=24), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_household_token'), ['token'])


def downgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_household_token'), type_='unique')
        batch_op.drop_column('token')

    op.drop_table('wechat_access_token')
