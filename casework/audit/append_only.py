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


def refuse_changes_through_the_orm(session, flush_context, instances) -> None:
    """On every database: the application can add audit events, never change or remove one."""
    from casework.audit.models import AuditEvent

    touched = [obj for obj in list(session.dirty) + list(session.deleted)
               if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj))]
    if touched:
        raise PermissionError("audit events are append-only: they cannot be changed or deleted")


def install(table) -> None:
    from sqlalchemy.orm import Session

    if not event.contains(Session, "before_flush", refuse_changes_through_the_orm):
        event.listen(Session, "before_flush", refuse_changes_through_the_orm)
    event.listen(table, "after_create", CREATE.execute_if(dialect="postgresql"))
