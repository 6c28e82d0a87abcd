"""On PostgreSQL, a trigger refuses UPDATE and DELETE on audit_events.

Revision ID: 0502
Revises: 0501
Create Date: 2026-11-28 14:05:00

"""
from alembic import op


revision = '0502'
down_revision = '0501'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        from casework.audit.append_only import CREATE

        op.execute(CREATE.statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        from casework.audit.append_only import DROP

        op.execute(DROP)
