"""the audit log is append-only: the database refuses UPDATE, DELETE and TRUNCATE on audit_event

Revision ID: 0006_audit_append_only
Revises: 0005_personal_data
Create Date: 2026-11-23 20:35:00

"""
from alembic import op

from models.audit import APPEND_ONLY_TRIGGERS, DROP_APPEND_ONLY_TRIGGERS

revision = '0006_audit_append_only'
down_revision = '0005_personal_data'
branch_labels = None
depends_on = None


def upgrade():
    for statement in APPEND_ONLY_TRIGGERS[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade():
    for statement in DROP_APPEND_ONLY_TRIGGERS[op.get_bind().dialect.name]:
        op.execute(statement)
