"""The index of open monitoring flags carries the grant.

Revision ID: 0870
Revises: 0860
Create Date: 2026-12-02 18:00:00

A team's grants flagged at monitoring visits are found from the open flags: with the grant in
the index, the flags give their grants without reading each check.
"""
from alembic import op

revision = '0870'
down_revision = '0860'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('monitoring_grant_checks', schema=None) as batch_op:
        batch_op.drop_index('ix_monitoring_grant_checks_open_flags')
        batch_op.create_index('ix_monitoring_grant_checks_open_flags', ['flagged', 'resolved_at', 'grant_id'],
                              unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE ix_monitoring_grant_checks_open_flags")


def downgrade():
    with op.batch_alter_table('monitoring_grant_checks', schema=None) as batch_op:
        batch_op.drop_index('ix_monitoring_grant_checks_open_flags')
        batch_op.create_index('ix_monitoring_grant_checks_open_flags', ['flagged', 'resolved_at'], unique=False)
