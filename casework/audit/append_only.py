"""On PostgreSQL the database itself refuses UPDATE and DELETE on audit_events.

Installed by migration 0502 and, for databases built with create_all (tests), by the
table's after_create event. TRUNCATE (only used to empty test databases) is not a row change.
"""
from sqlalchemy import DDL, event

CREATE = DDL("""
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'audit_events is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
""")

DROP = """
DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events;
DROP FUNCTION IF EXISTS audit_events_append_only();
"""


def install(table) -> None:
    event.listen(table, "after_create", CREATE.execute_if(dialect="postgresql"))
