"""Security headers on every response, no-store for logged-in pages, session lifetimes."""
from __future__ import annotations

import time

from tests.conftest import PASSWORD


def _login(client, username):
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_every_response_carries_the_security_headers(client, office):
    for url in ("/login", "/static/casework.css", "/no-such-page", "/cases/"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP


def test_hsts_only_over_https(client, office):
    assert "max-age=" in client.get("/login", base_url="https://localhost").headers["Strict-Transport-Security"]


def test_logged_in_pages_are_not_stored(client, office):
    assert client.get("/login").headers.get("Cache-Control") != "no-store"
    _login(client, "caseworker")
    response = client.get(f"/cases/{office.ch_case.id}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(app, client, office):
    cookie = _login(client, "caseworker").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookie_when_served_over_https(_schema, tmp_path):
    from tests.conftest import make_app

    app = make_app(_schema, tmp_path / "inst", PREFERRED_URL_SCHEME="https")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_idle_session_ends(app, client, office, monkeypatch):
    _login(client, "caseworker")
    assert client.get("/cases/").status_code == 200
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + app.config["CASEWORK_IDLE_TIMEOUT"] + 5)
    response = client.get("/cases/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # the session is gone, not just refused once
    monkeypatch.setattr(time, "time", lambda: now)
    assert client.get("/cases/").status_code == 302


def test_absolute_session_lifetime(app, client, office, monkeypatch):
    _login(client, "caseworker")
    start = time.time()
    step = app.config["CASEWORK_IDLE_TIMEOUT"] - 60
    t = start
    while t - start < app.config["CASEWORK_ABSOLUTE_TIMEOUT"] - step:
        t += step
        monkeypatch.setattr(time, "time", lambda t=t: t)
        assert client.get("/cases/").status_code == 200  # active use keeps it alive ...
    monkeypatch.setattr(time, "time", lambda: start + app.config["CASEWORK_ABSOLUTE_TIMEOUT"] + 1)
    assert client.get("/cases/").status_code == 302  # ... but not beyond the absolute limit


def test_old_cookie_is_dead_after_logout(app, client, office):
    _login(client, "caseworker")
    with client.session_transaction() as session:
        captured = dict(session)
    client.post("/logout")
    replay = app.test_client()
    with replay.session_transaction() as session:
        session.update(captured)
    response = replay.get("/cases/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
