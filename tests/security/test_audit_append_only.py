"""No path edits or deletes the audit trail; on PostgreSQL the database refuses it too."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from casework.extensions import db


def test_database_refuses_update_and_delete_of_audit_events(app, client, office):
    client.post("/login", data={"username": "caseworker", "password": "wrong password!!"})
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    count = db.session.scalar(text("SELECT count(*) FROM audit_events"))
    assert count > 0
    for statement in ("UPDATE audit_events SET summary = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert db.session.scalar(text("SELECT count(*) FROM audit_events")) == count


def test_the_application_cannot_change_or_delete_an_audit_event_on_any_database(app, client, office):
    from sqlalchemy import func, select

    from casework.audit.models import AuditEvent

    client.post("/login", data={"username": "caseworker", "password": "wrong password!!"})
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed")).one()
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    event.summary = "nobody tried"
    with pytest.raises(PermissionError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(PermissionError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).summary == "caseworker"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before
