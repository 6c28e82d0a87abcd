"""Partial indexes for the decision queue: the grants awaiting a decision, oldest first.

Revision ID: 0770
Revises: 0760
Create Date: 2026-12-01 16:10:00

The queue lists legacy grants (no submission time) by id, then the others by submission
time. Each stretch is read in the order of its own index, which holds only the grants that
await a decision, so the first page stops after its rows instead of sorting every waiting
grant. The statuses are copied here, as the queue writes them: submitted, in review,
awaiting the donor. A third index finds the decisions of one supervisor, which the queue
leaves out, without reading every decision.
"""
import sqlalchemy as sa
from alembic import op

revision = '0770'
down_revision = '0760'
branch_labels = None
depends_on = None

AWAITING = "status IN ('submitted', 'in_review', 'awaiting_donor')"
LEGACY = sa.text(AWAITING + " AND submitted_at IS NULL")
SUBMITTED = sa.text(AWAITING + " AND submitted_at IS NOT NULL")


def upgrade():
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.create_index('ix_grants_awaiting_legacy', ['id'], unique=False,
                              sqlite_where=LEGACY, postgresql_where=LEGACY)
        batch_op.create_index('ix_grants_awaiting_submitted', ['submitted_at', 'id'], unique=False,
                              sqlite_where=SUBMITTED, postgresql_where=SUBMITTED)
    with op.batch_alter_table('grant_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_grant_decisions_decided_by_grant', ['decided_by_id', 'grant_id'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        # SQLite's planner knows an index's size only from ANALYZE.
        op.execute("ANALYZE ix_grants_awaiting_legacy")
        op.execute("ANALYZE ix_grants_awaiting_submitted")
        op.execute("ANALYZE ix_grant_decisions_decided_by_grant")


def downgrade():
    with op.batch_alter_table('grant_decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_grant_decisions_decided_by_grant')
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_index('ix_grants_awaiting_submitted')
        batch_op.drop_index('ix_grants_awaiting_legacy')
