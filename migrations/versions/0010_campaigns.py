"""the notice (告知书) is versioned like the pledge text (notice_text); materials carry the quantity printed

Revision ID: 0010_campaigns
Revises: 0009_login_locks
Create Date: 2026-12-02 12:30:00

"""
import hashlib

from alembic import op
import sqlalchemy as sa
import models.base

revision = '0010_campaigns'
down_revision = '0009_login_locks'
branch_labels = None
depends_on = None


def upgrade():
    notice_text = op.create_table('notice_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_notice_text_campaign_id_campaign'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_text')),
    sa.UniqueConstraint('campaign_id', 'version', name=op.f('uq_notice_text_campaign_id_version'))
    )
    # The notice each campaign carried in its 告知书 material becomes the notice's first version.
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT campaign_id, body FROM material WHERE code = 'notice' "
                                      "AND body IS NOT NULL AND body <> ''")).all()
    if rows:
        now = models.base.utcnow()
        op.bulk_insert(notice_text, [
            {"campaign_id": campaign_id, "version": 1, "body": body,
             "sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(), "created_at": now}
            for campaign_id, body in rows])
    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.add_column(sa.Column('planned_quantity', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_material_planned_quantity_not_negative'),
                                         'planned_quantity IS NULL OR planned_quantity >= 0')
        batch_op.drop_column('body')


def downgrade():
    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body', sa.Text(), nullable=True))
        batch_op.drop_constraint(op.f('ck_material_planned_quantity_not_negative'), type_='check')
        batch_op.drop_column('planned_quantity')
    connection = op.get_bind()
    latest = connection.execute(sa.text(
        "SELECT n.campaign_id, n.body FROM notice_text n WHERE n.version = "
        "(SELECT MAX(m.version) FROM notice_text m WHERE m.campaign_id = n.campaign_id)")).all()
    for campaign_id, body in latest:
        connection.execute(sa.text("UPDATE material SET body = :body WHERE campaign_id = :campaign AND code = 'notice'"),
                           {"body": body, "campaign": campaign_id})
    op.drop_table('notice_text')
