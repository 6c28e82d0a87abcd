"""The user's own account page, reached from the name in the top bar."""
from __future__ import annotations


def test_the_account_page_shows_who_is_logged_in_and_their_programmes(office, client, auth):
    assert client.get("/account").status_code == 302  # logged out: to the login page
    auth.login("caseworker")
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert 'href="/account"' in dashboard
    page = client.get("/account")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Your account" in html and "caseworker" in html
    assert "AVR-CH" in html  # the programme the caseworker works on
    assert "AVR-DE" not in html


def test_the_account_page_of_a_user_without_programmes_says_so(office, client, auth):
    auth.login("admin")
    html = client.get("/account").get_data(as_text=True)
    assert "You are not assigned to any programme yet." in html


def test_the_application_has_no_benchmark_route(office, client, auth):
    auth.login("supervisor")
    assert client.get("/bench/trivial").status_code == 404
