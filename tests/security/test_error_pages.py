"""Error pages say what happened in plain words and nothing about the machinery behind them."""
from __future__ import annotations

import pytest

from tests.conftest import make_app

MACHINERY = ("Traceback", "werkzeug", "Werkzeug", "sqlalchemy", "SQLAlchemy", "site-packages", "/work/", ".py",
             "psycopg", "sqlite3", "SELECT ", "Python/", "secret detail")


def _plain(response, code, title):
    page = response.get_data(as_text=True)
    assert response.status_code == code
    assert title in page
    assert not [word for word in MACHINERY if word in page], page[:500]
    assert "Server" not in response.headers or "Werkzeug" not in response.headers["Server"]


def test_400_403_404_405(office, client, auth):
    auth.login("caseworker")
    _plain(client.get("/cases/?q=a%00b"), 400, "Bad request")
    _plain(client.get("/admin/users"), 403, "You do not have access to this page")
    _plain(client.get("/no/such/page"), 404, "Page not found")  # (the switcher echoes the path asked for)
    _plain(client.put("/cases/"), 405, "Method not allowed")


def test_a_request_over_the_size_cap_is_refused_with_413(office, client, auth, app):
    auth.login("supervisor")
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/imports/", data=b"x" * (limit + 1), content_type="application/octet-stream")
    _plain(response, 413, "The upload is too large")


def test_too_many_failed_logins_from_one_address_get_429(app, office, client):
    app.config["CASEWORK_LOGIN_ADDRESS_LIMIT"] = 3
    for _ in range(3):
        client.post("/login", data={"username": "caseworker", "password": "wrong password!!"})
    _plain(client.post("/login", data={"username": "caseworker", "password": "wrong password!!"}), 429,
           "Too many")


@pytest.fixture
def fragile_app(_schema, tmp_path):
    """The app as in production (exceptions not propagated), with a route that fails."""
    app = make_app(_schema, tmp_path / "fragile", TESTING=False, PROPAGATE_EXCEPTIONS=False)

    from casework.auth.permissions import public

    @public
    def broken():
        raise RuntimeError("secret detail: SELECT password_hash FROM users")

    app.add_url_rule("/broken", "broken", broken)
    return app


def test_an_unexpected_error_shows_a_plain_500(fragile_app):
    _plain(fragile_app.test_client().get("/broken"), 500, "Something went wrong")
