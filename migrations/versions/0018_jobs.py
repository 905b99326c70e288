"""background jobs: exports and labels run by the worker, with their progress and file

Revision ID: 0018_jobs
Revises: 0016_checks
Create Date: 2026-12-02 19:00:00
"""
from alembic import op
import sqlalchemy as sa

from models.base import UTCDateTime

revision = '0018_jobs'
down_revision = '0016_checks'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=True),
        sa.Column('params', sa.Text(), nullable=True),
        sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='job_status', native_enum=False,
                                    create_constraint=True, length=10), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('message', sa.Text(), nullable=True),
        sa.Column('file', sa.String(length=64), nullable=True),
        sa.Column('rows', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('finished_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('expires_at', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_job_area_id_area')),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_job_campaign_id_campaign')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_job_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job')))
    op.create_index('ix_job_user_id_created_at', 'job', ['user_id', 'created_at'])


def downgrade():
    op.drop_index('ix_job_user_id_created_at', table_name='job')
    op.drop_table('job')
