"""Sustainability survey instruments, their versions, and the scored surveys taken with them.

Revision ID: 0780
Revises: 0771
Create Date: 2026-12-01 17:20:00

Scores are stored as whole ten-thousandths (0 to 10000) beside the instrument version used,
so a later version of an instrument never changes a survey already taken.
"""
import sqlalchemy as sa
from alembic import op

revision = '0780'
down_revision = '0771'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'survey_instruments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_survey_instruments'),
        sa.UniqueConstraint('code', name='uq_survey_instruments_code'),
    )
    op.create_table(
        'survey_instrument_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instrument_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('definition', sa.JSON(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('loaded_by_id', sa.Integer(), nullable=True),
        sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['instrument_id'], ['survey_instruments.id'],
                                name='fk_survey_instrument_versions_instrument_id_survey_instruments'),
        sa.ForeignKeyConstraint(['loaded_by_id'], ['users.id'],
                                name='fk_survey_instrument_versions_loaded_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_survey_instrument_versions'),
        sa.UniqueConstraint('instrument_id', 'number', name='uq_survey_instrument_versions_number'),
    )
    op.create_table(
        'survey_responses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('instrument_id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('round', sa.String(length=60), nullable=False),
        sa.Column('taken_on', sa.Date(), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('economic_score', sa.Integer(), nullable=False),
        sa.Column('social_score', sa.Integer(), nullable=False),
        sa.Column('psychosocial_score', sa.Integer(), nullable=False),
        sa.Column('composite_score', sa.Integer(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name='fk_survey_responses_case_id_cases',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name='fk_survey_responses_person_id_persons',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['instrument_id'], ['survey_instruments.id'],
                                name='fk_survey_responses_instrument_id_survey_instruments'),
        sa.ForeignKeyConstraint(['version_id'], ['survey_instrument_versions.id'],
                                name='fk_survey_responses_version_id_survey_instrument_versions'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name='fk_survey_responses_recorded_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_survey_responses'),
        sa.UniqueConstraint('person_id', 'instrument_id', 'round', name='uq_survey_responses_person_round'),
    )
    op.create_index('ix_survey_responses_case_id', 'survey_responses', ['case_id'])
    op.create_index('ix_survey_responses_person_id', 'survey_responses', ['person_id'])
    op.create_index('ix_survey_responses_version_id', 'survey_responses', ['version_id'])


def downgrade():
    op.drop_index('ix_survey_responses_version_id', table_name='survey_responses')
    op.drop_index('ix_survey_responses_person_id', table_name='survey_responses')
    op.drop_index('ix_survey_responses_case_id', table_name='survey_responses')
    op.drop_table('survey_responses')
    op.drop_table('survey_instrument_versions')
    op.drop_table('survey_instruments')
