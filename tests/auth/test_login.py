"""Logging in and out, and what a session cookie is worth afterwards."""
from __future__ import annotations

from casework.audit.models import AuditEvent
from casework.auth.passwords import hash_password
from casework.extensions import db


def test_login_page_and_wrong_password(office, client, auth):
    assert client.get("/").headers["Location"].endswith("/login")
    assert client.get("/cases/").status_code == 302
    response = auth.login("caseworker", "wrong password here")
    assert response.status_code == 200 and "Wrong username or password" in response.get_data(as_text=True)
    response = auth.login("nobody", "wrong password here")
    assert "Wrong username or password" in response.get_data(as_text=True)
    actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert actions.count("login_failed") == 2


def test_login_logout(office, client, auth):
    response = auth.login("caseworker")
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    assert "Welcome" in client.get("/dashboard").get_data(as_text=True)
    assert client.get("/logout").status_code == 405  # logout is a POST
    auth.logout()
    assert client.get("/dashboard").status_code == 302


def test_cookie_captured_before_logout_is_dead_after(office, client, auth, app):
    auth.login("caseworker")
    cookie = client.get_cookie("session").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/dashboard").status_code == 302


def test_deactivated_user_loses_session(office, client, auth):
    auth.login("caseworker")
    from casework.auth.services import deactivate_user

    deactivate_user(office.caseworker)
    db.session.commit()
    assert client.get("/dashboard").status_code == 302
    assert auth.login("caseworker").status_code == 200


def test_open_redirect_refused(office, client, auth):
    response = client.post("/login?next=//evil.example/x", data={"username": "caseworker",
                                                                  "password": "correct horse battery staple"})
    assert response.headers["Location"].endswith("/dashboard")


def test_a_return_address_with_a_newline_or_a_backslash_goes_to_the_dashboard(office, client):
    """Found by `make scan`: a newline in the language switcher's `next` answered 500 (it would have
    ended the Location header); "/\\host" is another site to a browser."""
    for target in ("/cases/\r\nSet-Cookie: x=1", "/cases/\n", "/\\evil.example/x", "/cases/\x7f"):
        response = client.post("/language", data={"locale": "sr_Latn", "next": target})
        assert response.status_code == 302, target
        assert response.headers["Location"].endswith("/"), (target, response.headers["Location"])
        response = client.post("/login", query_string={"next": target},
                               data={"username": "caseworker", "password": "correct horse battery staple"})
        assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard"), target
        client.post("/logout")


def test_passwords_are_argon2id(office):
    assert office.caseworker.password_hash.startswith("$argon2id$")
    assert hash_password("x" * 12) != hash_password("x" * 12)


def test_production_hashes_with_the_rfc_9106_parameters():
    """The suite hashes with argon2id's smallest parameters (tests/conftest.py); production uses
    RFC 9106's low-memory profile: 64 MiB, three passes, four lanes."""
    from argon2 import extract_parameters
    from argon2.profiles import RFC_9106_LOW_MEMORY

    from tests import conftest

    parameters = extract_parameters(conftest.PRODUCTION_HASHER.hash("x" * 12))
    assert parameters == RFC_9106_LOW_MEMORY
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (65536, 3, 4)


def test_security_headers(office, client, auth):
    auth.login("caseworker")
    response = client.get("/dashboard")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
