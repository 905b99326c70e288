"""spot checks (复核) of visits, residents' answers on the door page, and visits found false

Revision ID: 0016_checks
Revises: 0017_quiz
Create Date: 2026-12-02 17:30:00
"""
from alembic import op
import sqlalchemy as sa

from models.base import UTCDateTime

revision = '0016_checks'
down_revision = '0017_quiz'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('found_false_at', UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        'spot_check_round',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.Column('seed', sa.Integer(), nullable=False),
        sa.Column('share', sa.Float(), nullable=False),
        sa.Column('minimum', sa.Integer(), nullable=False),
        sa.Column('population', sa.Integer(), nullable=False),
        sa.Column('drawn_by_id', sa.Integer(), nullable=False),
        sa.Column('drawn_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_spot_check_round_area_id_area')),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_spot_check_round_campaign_id_campaign')),
        sa.ForeignKeyConstraint(['drawn_by_id'], ['user.id'], name=op.f('fk_spot_check_round_drawn_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check_round')))
    op.create_index('ix_spot_check_round_campaign_id', 'spot_check_round', ['campaign_id'])
    op.create_table(
        'spot_check',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=True),
        sa.Column('visit_id', sa.String(length=36), nullable=False),
        sa.Column('reason', sa.Enum('sample', 'flagged', 'disputed', name='check_reason', native_enum=False,
                                    create_constraint=True, length=10), nullable=False),
        sa.Column('checker_id', sa.Integer(), nullable=True),
        sa.Column('queued_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('client_id', sa.String(length=36), nullable=True),
        sa.Column('checked_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('visited', sa.Boolean(), nullable=True),
        sa.Column('material_received', sa.Boolean(), nullable=True),
        sa.Column('signed_themselves', sa.Boolean(), nullable=True),
        sa.Column('agrees', sa.Boolean(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('photo_file_id', sa.String(length=32), nullable=True),
        sa.Column('lat', sa.Text(), nullable=True),
        sa.Column('lng', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['checker_id'], ['user.id'], name=op.f('fk_spot_check_checker_id_user')),
        sa.ForeignKeyConstraint(['photo_file_id'], ['stored_file.id'], name=op.f('fk_spot_check_photo_file_id_stored_file')),
        sa.ForeignKeyConstraint(['round_id'], ['spot_check_round.id'], name=op.f('fk_spot_check_round_id_spot_check_round')),
        sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_spot_check_visit_id_visit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check')),
        sa.UniqueConstraint('client_id', name=op.f('uq_spot_check_client_id')),
        sa.UniqueConstraint('round_id', 'visit_id', name=op.f('uq_spot_check_round_id_visit_id')))
    op.create_index('ix_spot_check_round_id', 'spot_check', ['round_id'])
    op.create_index('ix_spot_check_visit_id', 'spot_check', ['visit_id'])
    op.create_index('ix_spot_check_checker_id', 'spot_check', ['checker_id'])
    op.create_table(
        'resident_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.String(length=36), nullable=False),
        sa.Column('browser_key', sa.String(length=64), nullable=False),
        sa.Column('word', sa.Enum('confirmed', 'denied', name='resident_word', native_enum=False,
                                  create_constraint=True, length=10), nullable=False),
        sa.Column('answered_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_resident_answer_visit_id_visit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_resident_answer')),
        sa.UniqueConstraint('visit_id', 'browser_key', name=op.f('uq_resident_answer_visit_id_browser_key')))
    op.create_index('ix_resident_answer_visit_id', 'resident_answer', ['visit_id'])


def downgrade():
    op.drop_table('resident_answer')
    op.drop_table('spot_check')
    op.drop_table('spot_check_round')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_column('found_false_at')
