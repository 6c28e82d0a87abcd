"""The "returned again" index covers only the persons who have returned before.

Revision ID: 0601
Revises: 0502
Create Date: 2026-11-28 21:00:00

An index over a column that is NULL for nearly every person told SQLite's planner that a
lookup by it matches the whole table, so the case page scanned a million persons. The
partial index holds only the links, and its statistics say so.
"""
from alembic import op
import sqlalchemy as sa


revision = '0601'
down_revision = '0502'
branch_labels = None
depends_on = None

WHERE = sa.text("returned_from_person_id IS NOT NULL")


def upgrade():
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index('ix_persons_returned_from_person_id')
        batch_op.create_index('ix_persons_returned_from_person_id', ['returned_from_person_id'], unique=False,
                              sqlite_where=WHERE, postgresql_where=WHERE)


def downgrade():
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index('ix_persons_returned_from_person_id')
        batch_op.create_index('ix_persons_returned_from_person_id', ['returned_from_person_id'], unique=False)
