"""The grant list and the decision queue at length: pages by Next/Previous, a statement budget
that does not grow with the rows shown, and a queue count the dashboard can afford."""
from __future__ import annotations

import re

from casework.extensions import db
from casework.grants import services
from casework.grants.models import Grant
from casework.pagination import keyset_page
from tests import factories
from tests.grants.helpers import proposed, submitted
from tests.grants.test_views import _statements_for


def _grants(office, n, make=proposed):
    cases = [factories.case(office.ch), factories.case(office.uk)]
    db.session.commit()
    return [make(office, case=cases[i % 2], amount=str(100 + i)) for i in range(n)]


def _ids_on(html: str) -> list[str]:
    return re.findall(r'href="/grants/(\d+)"', html)


def _follow(client, url, rel):
    html = client.get(url).get_data(as_text=True)
    found = re.search(rf'<a rel="{rel}" href="([^"]+)"', html)
    return html, (found.group(1).replace("&amp;", "&") if found else None)


def test_grant_list_pages_forward_and_back_show_every_grant_once_newest_first(office, client, auth, monkeypatch):
    made = _grants(office, 12)
    auth.login("supervisor")
    import casework.grants.views as views

    monkeypatch.setattr(views, "GRANT_LIST_PER_PAGE", 5)
    pages, url = [], "/grants/?category=business"
    while url:
        html, url = _follow(client, url, "next")
        pages.append(_ids_on(html))
    expected = [str(g.id) for g in sorted(made, key=lambda g: (g.created_at, g.id), reverse=True)]
    assert [len(p) for p in pages] == [5, 5, 2]
    assert [i for p in pages for i in p] == expected
    back, url = [], _follow(client, "/grants/?category=business", "next")[1]
    url = _follow(client, url, "next")[1]  # on the third page now
    html, url = _follow(client, url, "prev")
    while True:
        html = client.get(url).get_data(as_text=True)
        back.insert(0, _ids_on(html))
        url = _follow(client, url, "prev")[1]
        if url is None:
            break
    assert back == pages[:2]


def test_grant_list_statements_do_not_grow_with_its_rows(office, client, auth, monkeypatch):
    import casework.grants.views as views

    _grants(office, 12)
    auth.login("supervisor")
    monkeypatch.setattr(views, "GRANT_LIST_PER_PAGE", 2)
    few = _statements_for(client, "/grants/")
    monkeypatch.setattr(views, "GRANT_LIST_PER_PAGE", 12)
    assert _statements_for(client, "/grants/") == few


def test_a_page_edge_that_no_longer_exists_starts_again_at_the_first_page(office):
    made = _grants(office, 3)
    from sqlalchemy import select

    page = keyset_page(select(Grant), Grant, ("created_at", "id"), descending=True, per_page=2, page=4,
                       after=max(g.id for g in made) + 1000)
    assert page.page == 1 and len(page.items) == 2 and page.has_next


def test_decision_queue_is_paged_and_its_heading_counts_every_grant(office, client, auth, monkeypatch):
    import casework.grants.views as views

    monkeypatch.setattr(views, "QUEUE_PER_PAGE", 4)
    made = _grants(office, 6, make=submitted)
    auth.login("supervisor")
    first, next_url = _follow(client, "/grants/queue", "next")
    assert "Awaiting my decision (6)" in first
    second, after = _follow(client, next_url, "next")
    assert after is None
    assert _ids_on(first) + _ids_on(second) == [str(g.id) for g in made]  # oldest submission first


def test_the_dashboard_counts_a_long_queue_only_up_to_its_cap(office, client, auth, monkeypatch):
    monkeypatch.setattr(services, "QUEUE_COUNT_CAP", 3)
    _grants(office, 5, make=submitted)
    auth.login("supervisor")
    html = client.get("/dashboard").get_data(as_text=True)
    assert re.search(r'id="grants-awaiting">3\+<', html)
    assert "Awaiting my decision (3+)" in client.get("/grants/queue").get_data(as_text=True)


def test_the_queue_shows_legacy_grants_first_then_the_oldest_submissions_page_by_page(office, client, auth,
                                                                                       monkeypatch):
    from sqlalchemy import update

    import casework.grants.views as views

    monkeypatch.setattr(views, "QUEUE_PER_PAGE", 2)
    made = _grants(office, 7, make=submitted)
    # Imported pending grants have no submission time: they wait longest.
    legacy = sorted(g.id for g in made[4:])
    db.session.execute(update(Grant).where(Grant.id.in_(legacy)).values(submitted_at=None))
    db.session.commit()
    auth.login("supervisor")
    seen, url = [], "/grants/queue"
    while url:
        html, url = _follow(client, url, "next")
        assert "Awaiting my decision (7)" in html
        seen += _ids_on(html)
    assert seen == [str(i) for i in legacy] + [str(g.id) for g in made[:4]]
    assert [g.id for g in services.decision_queue(office.supervisor, limit=2, offset=4)] == [made[1].id,
                                                                                           made[2].id]
    assert len(services.decision_queue(office.supervisor)) == 7
