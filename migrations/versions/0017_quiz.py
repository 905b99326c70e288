"""a campaign's quiz and satisfaction question, households' answers, and their counters in the ledger

Revision ID: 0017_quiz
Revises: 0015_assignments
Create Date: 2026-12-02 17:30:00

New tables quiz (versions of a campaign's quiz) and quiz_answer (each answer set a household gave);
household_progress gets the flags of the current answer and ledger_area / ledger_building the counters
that count them (知晓率, 满意度), all starting at false and 0: no answer existed before.
"""
from alembic import op
import sqlalchemy as sa

revision = '0017_quiz'
down_revision = '0015_assignments'
branch_labels = None
depends_on = None

FLAGS = ("quiz_respondents", "quiz_passed", "satisfaction_respondents", "satisfied")


def upgrade():
    op.create_table(
        'quiz',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('questions', sa.JSON(), nullable=False),
        sa.Column('pass_mark', sa.Integer(), nullable=False),
        sa.Column('satisfaction_question', sa.String(length=200), nullable=True),
        sa.Column('satisfaction_options', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('pass_mark >= 0', name=op.f('ck_quiz_pass_mark_not_negative')),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_quiz_campaign_id_campaign'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz')),
        sa.UniqueConstraint('campaign_id', 'version', name=op.f('uq_quiz_campaign_id_version')),
    )
    op.create_table(
        'quiz_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.String(length=36), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('quiz_id', sa.Integer(), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('correct', sa.Integer(), nullable=False),
        sa.Column('passed', sa.Boolean(), nullable=True),
        sa.Column('satisfaction', sa.Integer(), nullable=True),
        sa.Column('channel', sa.Enum('worker_visit', 'resident', name='quiz_channel', native_enum=False,
                                     create_constraint=True, length=16), nullable=False),
        sa.Column('visit_id', sa.String(length=36), nullable=True),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_quiz_answer_campaign_id_campaign'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'],
                                name=op.f('fk_quiz_answer_household_id_household')),
        sa.ForeignKeyConstraint(['quiz_id'], ['quiz.id'], name=op.f('fk_quiz_answer_quiz_id_quiz'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_quiz_answer_visit_id_visit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_answer')),
        sa.UniqueConstraint('client_id', name=op.f('uq_quiz_answer_client_id')),
    )
    op.create_index('ix_quiz_answer_campaign_household', 'quiz_answer', ['campaign_id', 'household_id'])
    with op.batch_alter_table('household_progress', schema=None) as batch_op:
        for name in FLAGS:
            batch_op.add_column(sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false()))
    for table in ('ledger_area', 'ledger_building'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in FLAGS:
                batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    for table in ('ledger_building', 'ledger_area', 'household_progress'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in reversed(FLAGS):
                batch_op.drop_column(name)
    op.drop_index('ix_quiz_answer_campaign_household', table_name='quiz_answer')
    op.drop_table('quiz_answer')
    op.drop_table('quiz')
