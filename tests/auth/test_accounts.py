"""Usernames compared in one form on every database; what a failed login leaves in the audit trail."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.auth.models import Role
from casework.auth.services import authenticate, create_user
from casework.errors import DomainError
from casework.extensions import db
from tests.conftest import PASSWORD


def test_a_username_with_non_ascii_capitals_logs_in_however_it_is_typed(office, client, auth):
    create_user("Đorđe", Role.CASEWORKER, PASSWORD, programmes=[office.ch])
    db.session.commit()
    for typed in ("Đorđe", "đorđe", "ĐORĐE", " đorđe "):
        response = auth.login(typed)
        assert response.status_code == 302, typed
        auth.logout()


def test_the_same_name_in_other_case_or_form_cannot_be_created_beside_it(office):
    create_user("Đorđe", Role.CASEWORKER, PASSWORD, programmes=[office.ch])
    db.session.commit()
    for twin in ("đorđe", "ĐORĐE", "đORĐe"):
        with pytest.raises(DomainError, match="taken"):
            create_user(twin, Role.CASEWORKER, PASSWORD, programmes=[office.ch])
    with pytest.raises(DomainError, match="taken"):
        create_user("ＣＡＳＥＷＯＲＫＥＲ", Role.CASEWORKER, PASSWORD, programmes=[office.ch])  # full-width


def test_the_database_itself_refuses_two_users_with_one_compared_name(office):
    from sqlalchemy.exc import IntegrityError

    from casework.auth.models import User

    db.session.add(User(username="MIRA.x", role=Role.ADMIN, password_hash="x"))
    db.session.add(User(username="mira.X", role=Role.ADMIN, password_hash="x"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_mixed_script_look_alike_is_refused_through_the_admin_page(office, client, auth):
    auth.login("admin")
    page = client.post("/admin/users/new", data={"username": "аdmin2", "role": "admin", "password": PASSWORD,
                                                   "full_name": "Look Alike"})
    assert "letters of one alphabet only" in page.get_data(as_text=True)
    with pytest.raises(DomainError, match="one alphabet"):
        create_user("аdmin", Role.ADMIN, PASSWORD)  # Cyrillic а
    assert create_user("Ђорђе", Role.ADMIN, PASSWORD).username == "Ђорђе"  # Cyrillic alone is fine


def test_a_failed_login_for_an_unknown_account_keeps_no_typed_text(office, client, auth):
    typed = "my secret Passw0rd!"
    auth.login(typed, "whatever it was")
    auth.login("caseworker", "wrong password here")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed")
                                .order_by(AuditEvent.id)).all()
    assert len(events) == 2
    for event in events:
        assert typed.lower() not in repr((event.summary, event.changes, event.username)).lower()
    assert events[0].summary.startswith("unknown account #")
    assert events[1].summary == "caseworker"
    auth.login("admin")
    trail = client.get("/admin/audit.csv?action=login_failed").get_data(as_text=True)
    assert "Passw0rd" not in trail
    # An administrator who types the same name finds the attempt, and only with that name.
    found = list(csv.DictReader(io.StringIO(client.get(
        "/admin/audit.csv", query_string={"username": "MY SECRET passw0rd!"}).get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["action"] for r in found] == ["login_failed"]
    other = client.get("/admin/audit.csv", query_string={"username": "someone else"}).get_data(as_text=True)
    assert "login_failed" not in other


def test_authenticate_takes_the_client_address(office, app):
    from casework.auth import lockout

    app.config["CASEWORK_LOGIN_ADDRESS_LIMIT"] = 2
    for _ in range(2):
        assert authenticate("nobody", "wrong password!!", "203.0.113.9") is None
    with pytest.raises(Exception, match="from this address"):
        authenticate("caseworker", PASSWORD, "203.0.113.9")
    assert authenticate("caseworker", PASSWORD, "198.51.100.1") is not None
    assert not lockout.address_limited("198.51.100.1")


@pytest.mark.parametrize("sent", ["req-edit-1", "x" * 36, "<script>", "0F8E2B6C5A1D4C3E9B7A2D4F6E8A0C1"])
def test_a_request_id_not_in_a_strict_form_is_replaced_by_the_servers(office, client, auth, sent):
    import re

    client.post("/login", data={"username": "caseworker", "password": PASSWORD}, headers={"X-Request-Id": sent})
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login")).one()
    assert event.request_id != sent
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", event.request_id)


def test_a_proxys_uuid_request_id_is_kept(office, client):
    sent = "0f8e2b6c-5a1d-4c3e-9b7a-2d4f6e8a0c1b"
    client.post("/login", data={"username": "caseworker", "password": PASSWORD}, headers={"X-Request-Id": sent})
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login")).one().request_id == sent
