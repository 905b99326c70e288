"""the feedback's call-back phone is an encrypted column like the household's (feedback.contact_phone)

Revision ID: 0014_feedback_phone
Revises: 0013_mapping
Create Date: 2026-12-02 16:00:00

The column was encrypted by hand before it was written; it is now of the encrypted
column type, so it is renamed, and any number found stored in the clear is encrypted
in place with the app's DATA_ENCRYPTION_KEY. The downgrade renames it back: its values
stay encrypted, as the code of that revision expects.
"""
from alembic import op
import sqlalchemy as sa

revision = '0014_feedback_phone'
down_revision = '0013_mapping'
branch_labels = None
depends_on = None

BATCH = 1000
FERNET_PREFIX = "gAAAAA"  # every Fernet token (version byte 0x80, then the time) starts so in base64


def upgrade():
    from server.services.privacy.crypto import cipher

    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.alter_column('contact_phone_encrypted', new_column_name='contact_phone',
                              existing_type=sa.Text(), existing_nullable=True)
    bind = op.get_bind()
    feedback = sa.table("feedback", sa.column("id"), sa.column("contact_phone"))
    page = sa.select(feedback.c.id, feedback.c.contact_phone).where(
        feedback.c.contact_phone.is_not(None), feedback.c.contact_phone != "",
        ~feedback.c.contact_phone.startswith(FERNET_PREFIX)).order_by(feedback.c.id).limit(BATCH)
    update = feedback.update().where(feedback.c.id == sa.bindparam("_id")).values(
        contact_phone=sa.bindparam("phone"))
    while rows := bind.execute(page).all():  # each batch leaves the page once encrypted
        bind.execute(update, [{"_id": row.id, "phone": cipher().encrypt(row.contact_phone)} for row in rows])


def downgrade():
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.alter_column('contact_phone', new_column_name='contact_phone_encrypted',
                              existing_type=sa.Text(), existing_nullable=True)
