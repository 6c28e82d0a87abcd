"""The language a person sees: saved setting, then the switcher's choice, then the browser, then English."""
from __future__ import annotations

import re

from casework.auth.models import User
from casework.extensions import db
from tests.factories import PASSWORD

LATIN, CYRILLIC = {"Accept-Language": "sr-Latn"}, {"Accept-Language": "sr"}


def _lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def _switch(client, locale, headers=None, next_page="/login"):
    return client.post("/language", data={"locale": locale, "next": next_page}, headers=headers or {})


def _login(client, username, headers=None):
    return client.post("/login", data={"username": username, "password": PASSWORD}, headers=headers or {})


def test_the_switcher_offers_each_language_named_in_itself(client):
    html = client.get("/login").get_data(as_text=True)
    for code, name in (("en", "English"), ("sr_Latn", "Srpski"), ("sr_Cyrl", "Српски")):
        assert re.search(rf'<button type="submit" name="locale" value="{code}"[^>]*>{name}</button>', html)


def test_the_switcher_beats_the_browser_and_survives_logging_in(client, office):
    assert _lang(client.get("/login", headers=LATIN)) == "sr-Latn"
    response = _switch(client, "sr_Cyrl", LATIN)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert _lang(client.get("/login", headers=LATIN)) == "sr-Cyrl"
    _login(client, "caseworker", LATIN)
    page = client.get("/dashboard", headers=LATIN).get_data(as_text=True)
    assert '<html lang="sr-Cyrl">' in page and "Одјава" in page


def test_a_logged_in_choice_is_saved_and_beats_everything_later(client, office):
    _login(client, "supervisor")
    _switch(client, "sr_Latn", next_page="/dashboard")
    assert db.session.get(User, office.supervisor.id).locale == "sr_Latn"
    client.post("/logout")
    # A new session, a Cyrillic browser and a Cyrillic choice on the login page: the saved setting wins.
    _switch(client, "sr_Cyrl", CYRILLIC)
    _login(client, "supervisor", CYRILLIC)
    page = client.get("/dashboard", headers=CYRILLIC).get_data(as_text=True)
    assert '<html lang="sr-Latn">' in page and "Odjava" in page


def test_an_unknown_language_changes_nothing(client, office):
    _switch(client, "de")
    assert _lang(client.get("/login")) == "en"
    _switch(client, "sr_Latn_RS")
    assert _lang(client.get("/login")) == "en"


def test_the_switcher_returns_only_to_a_page_of_this_site(client):
    response = _switch(client, "sr_Latn", next_page="https://evil.example/")
    assert response.headers["Location"] in ("/", "http://localhost/")


def test_the_request_keeps_its_catalog_and_a_forced_language_finds_its_own(app):
    """Messages of one request come from its language's catalog, a forced language (a donor
    report's) from that language's, nested or not, and the request's again after it."""
    from flask_babel import force_locale, gettext, lazy_gettext

    # Each request in an application context of its own, as the server runs it.
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "sr-Latn"}):
        assert gettext("Cases") == "Slučajevi"
        assert str(lazy_gettext("Cases")) == "Slučajevi"
        with force_locale("en"):
            assert gettext("Cases") == "Cases"
            with force_locale("sr_Cyrl"):
                assert gettext("Cases") == "Случајеви"
            assert gettext("Cases") == "Cases"
        assert gettext("Cases") == "Slučajevi"
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "sr-Cyrl"}):
        assert gettext("Cases") == "Случајеви"
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert gettext("Cases") == "Cases"
