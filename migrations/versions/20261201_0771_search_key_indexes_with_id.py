"""The search-key indexes carry the person's id, so a name search reads its page in order.

Revision ID: 0771
Revises: 0770
Create Date: 2026-12-01 16:20:00

A name search lists its matches by (key, person id). With the id in the index, PostgreSQL
reads the first page straight off the index instead of sorting every person of a common
name (SQLite's indexes hold the row id already).
"""
from alembic import op


revision = '0771'
down_revision = '0770'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index('ix_persons_search_key')
        batch_op.drop_index('ix_persons_search_key_given_first')
        batch_op.create_index('ix_persons_search_key', ['search_key', 'id'], unique=False)
        batch_op.create_index('ix_persons_search_key_given_first', ['search_key_given_first', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index('ix_persons_search_key_given_first')
        batch_op.drop_index('ix_persons_search_key')
        batch_op.create_index('ix_persons_search_key_given_first', ['search_key_given_first'], unique=False)
        batch_op.create_index('ix_persons_search_key', ['search_key'], unique=False)
