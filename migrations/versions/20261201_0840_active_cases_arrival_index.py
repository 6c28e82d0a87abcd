"""Indexes for My work: a caseworker's cases by status, and the active cases by arrival.

Revision ID: 0840
Revises: 0780
Create Date: 2026-12-01 20:00:00

My work lists the active cases (arrived, in reintegration, in monitoring) past their plan
deadline, oldest arrival first. Read in the order of an index holding only the active cases,
the first rows come after a few index entries instead of walking every closed case that
arrived earlier. The statuses are copied here, as the query writes them. A caseworker's page
counts their open cases by status and finds their active ones through (caseworker, status,
arrival), which replaces the index on the caseworker alone.
"""
import sqlalchemy as sa
from alembic import op

revision = '0840'
down_revision = '0830'
branch_labels = None
depends_on = None

ACTIVE = sa.text("status IN ('arrived', 'reintegration', 'monitoring')")


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_active_arrival', ['arrival_date', 'id'], unique=False,
                              sqlite_where=ACTIVE, postgresql_where=ACTIVE)
        batch_op.create_index('ix_cases_caseworker_status_arrival', ['caseworker_id', 'status', 'arrival_date'],
                              unique=False)
        batch_op.drop_index('ix_cases_caseworker_id')
    if op.get_bind().dialect.name == "sqlite":
        # SQLite's planner knows an index's size only from ANALYZE.
        op.execute("ANALYZE ix_cases_active_arrival")
        op.execute("ANALYZE ix_cases_caseworker_status_arrival")


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_caseworker_id', ['caseworker_id'], unique=False)
        batch_op.drop_index('ix_cases_caseworker_status_arrival')
        batch_op.drop_index('ix_cases_active_arrival')
