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
