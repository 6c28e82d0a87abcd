"""The index of active cases by arrival carries the programme.

Revision ID: 0880
Revises: 0870
Create Date: 2026-12-04 21:00:00

My work finds a team's active cases past their plan deadline in arrival order: with the programme
in the index, the team's scope and the deadline (which is the programme's) are tested on the index
entry, and a case's row is read only when it is listed.
"""
import sqlalchemy as sa
from alembic import op

revision = '0880'
down_revision = '0870'
branch_labels = None
depends_on = None

ACTIVE = sa.text("status IN ('arrived', 'reintegration', 'monitoring')")


def _index(columns):
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_active_arrival')
        batch_op.create_index('ix_cases_active_arrival', columns, unique=False,
                              sqlite_where=ACTIVE, postgresql_where=ACTIVE)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE ix_cases_active_arrival")  # SQLite's planner knows an index's size only from ANALYZE


def upgrade():
    _index(['arrival_date', 'id', 'programme_id'])


def downgrade():
    _index(['arrival_date', 'id'])
