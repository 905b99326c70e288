"""stored files remember when the retention period deleted their bytes

Revision ID: 0007_file_purge
Revises: 0006_audit_append_only
Create Date: 2026-11-23 20:50:00

"""
from alembic import op
import sqlalchemy as sa
import models.base

revision = '0007_file_purge'
down_revision = '0006_audit_append_only'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stored_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purged_at', models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('stored_file', schema=None) as batch_op:
        batch_op.drop_column('purged_at')
