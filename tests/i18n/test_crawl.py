"""Every page each role can reach, in each Serbian locale: no string left in English.

The crawl follows every link of the site from the dashboard (GET only), as each role, and reads
each page's visible text and the placeholder, title, aria-label and alt texts. A visible string
equal to an English source means a string was not translated; codes, names and numbers are data.
"""
from __future__ import annotations

from datetime import date
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import select

from casework.auth.models import User
from casework.extensions import db
from casework.reports.periods import Period
from casework.reports.services import submit_report
from tests.factories import PASSWORD
from tests.grants import helpers
from tests.helpers_i18n import untranslated

pytestmark = pytest.mark.database_independent

ROLES = ["caseworker", "supervisor", "donor.ch", "admin"]
SKIP = ("/logout", "/static/", "/export", ".csv", ".xlsx", ".pdf", ".json", "/language")
LIMIT = 150  # pages per role


def _links(html: str, base: str) -> list[str]:
    import re

    out = []
    for href in re.findall(r'href="([^"#]+)"', html):
        url = urljoin(base, href.replace("&amp;", "&"))
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not any(s in path for s in SKIP):
            out.append(path)
    return out


def _shape(path: str) -> str:
    """Every record's page, but one page per kind of list query (sorting, paging, filters)."""
    if "?" not in path:
        return path
    base, query = path.split("?", 1)
    return base + "?" + "&".join(sorted(part.split("=")[0] for part in query.split("&")))


def crawl(client, starts=("/dashboard",)) -> dict[str, str]:
    seen, shapes, queue, found = set(), set(), list(starts), {}
    while queue and len(seen) < LIMIT:
        path = queue.pop(0)
        if path in seen or _shape(path) in shapes:
            continue
        seen.add(path)
        shapes.add(_shape(path))
        response = client.get(path)
        if "text/html" not in response.content_type:
            continue
        html = response.get_data(as_text=True)
        found[path] = html
        queue.extend(p for p in _links(html, path) if p not in seen)
    return found


@pytest.fixture
def busy_office(office, factory):
    """The office with grants in several states, so that their pages and actions exist."""
    helpers.approved(office)
    helpers.submitted(office, person=False, amount="500.00")
    helpers.proposed(office, case=office.uk_case, actor=office.caseworker_uk)
    submit_report(office.ch, Period(date(2010, 1, 1), date(2010, 12, 31)), office.supervisor)
    db.session.commit()
    return office


@pytest.mark.parametrize("locale", ["sr_Latn", "sr_Cyrl"])
@pytest.mark.parametrize("username", ROLES)
def test_no_page_shows_an_english_string(client, busy_office, username, locale):
    client.post("/language", data={"locale": locale, "next": "/login"})
    login = client.get("/login").get_data(as_text=True)
    assert untranslated(login, locale) == []
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    pages = crawl(client, ("/dashboard", "/reports/", "/no-such-page", "/cases/999999"))
    assert len(pages) >= 3
    typed = {name for user in db.session.scalars(select(User)) for name in (user.username, user.full_name)}
    left = {path: untranslated(html, locale, typed) for path, html in pages.items()}
    assert {path: strings for path, strings in left.items() if strings} == {}
