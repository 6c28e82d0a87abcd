"""Dated case notes and the earlier versions of their text.

Revision ID: 0750
Revises: 0740
Create Date: 2026-12-01 16:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0750'
down_revision = '0740'
branch_labels = None
depends_on = None

NOTE_KINDS = ('visit', 'phone_call', 'office_meeting', 'other')


def _kind():
    return sa.Enum(*NOTE_KINDS, name='note_kind', native_enum=False, create_constraint=True, length=32)


def upgrade():
    op.create_table(
        'case_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('kind', _kind(), nullable=False),
        sa.Column('noted_on', sa.Date(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('is_sensitive', sa.Boolean(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('edited_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name='fk_case_notes_case_id_cases', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name='fk_case_notes_author_id_users'),
        sa.ForeignKeyConstraint(['edited_by_id'], ['users.id'], name='fk_case_notes_edited_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_case_notes'),
    )
    op.create_index('ix_case_notes_case_noted_on', 'case_notes', ['case_id', 'noted_on'])
    op.create_table(
        'case_note_revisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('note_id', sa.Integer(), nullable=False),
        sa.Column('kind', _kind(), nullable=False),
        sa.Column('noted_on', sa.Date(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('is_sensitive', sa.Boolean(), nullable=False),
        sa.Column('written_by_id', sa.Integer(), nullable=True),
        sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('replaced_by_id', sa.Integer(), nullable=True),
        sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['note_id'], ['case_notes.id'], name='fk_case_note_revisions_note_id_case_notes',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['written_by_id'], ['users.id'], name='fk_case_note_revisions_written_by_id_users'),
        sa.ForeignKeyConstraint(['replaced_by_id'], ['users.id'], name='fk_case_note_revisions_replaced_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_case_note_revisions'),
    )
    op.create_index('ix_case_note_revisions_note_id', 'case_note_revisions', ['note_id'])


def downgrade():
    op.drop_index('ix_case_note_revisions_note_id', table_name='case_note_revisions')
    op.drop_table('case_note_revisions')
    op.drop_index('ix_case_notes_case_noted_on', table_name='case_notes')
    op.drop_table('case_notes')
