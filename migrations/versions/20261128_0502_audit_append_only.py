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

# The same statements as casework/audit/append_only.py (used by create_all), copied: a
# migration never imports the application.
CREATE = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'audit_events is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events;
DROP FUNCTION IF EXISTS audit_events_append_only();
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(CREATE)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(DROP)
