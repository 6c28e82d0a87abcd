"""Paging the case list: every case once, in order, by page number and by Next/Previous (keyset)."""
from __future__ import annotations

import re
from datetime import date

import pytest

from casework.cases.queries import SORTS, CaseFilters, Cursor, case_list
from casework.extensions import db


def test_pages_cover_every_case_once_in_order_across_not_yet_returned(office, factory):
    arrivals = [date(2005, 1, 5), date(2009, 3, 1), date(2009, 3, 1), None, date(2003, 7, 7), None, date(2011, 2, 2),
                None]
    for arrival in arrivals:
        factory.case(office.ch, arrival=arrival)
    db.session.commit()
    seen, page = [], 1
    while True:
        result = case_list(office.admin, CaseFilters(), page=page, per_page=3)
        seen += [(row.arrival_date, row.id) for row in result.rows]
        if not result.has_next:
            break
        page += 1
    returned = sorted([s for s in seen if s[0]], key=lambda s: (s[0], s[1]), reverse=True)
    waiting = sorted([s for s in seen if s[0] is None], key=lambda s: s[1], reverse=True)
    assert seen == returned + waiting
    assert len(seen) == len(arrivals) + 2  # and the office fixture's two cases
    assert len({s[1] for s in seen}) == len(seen)
    beyond = case_list(office.admin, CaseFilters(), page=page + 1, per_page=3)
    assert beyond.rows == [] and not beyond.has_next


def _caseload(office, factory):
    """Cases with equal arrival dates, cases not yet returned, and references out of arrival order."""
    arrivals = [date(2005, 1, 5), date(2009, 3, 1), date(2009, 3, 1), None, date(2003, 7, 7), None,
                date(2011, 2, 2), None, date(2009, 3, 1), date(2002, 8, 1), None]
    for n, arrival in enumerate(arrivals):
        factory.case(office.ch, arrival=arrival, reference=f"CH-{(n * 7) % 11:04d}")
    db.session.commit()


def _walk(office, sort, per_page=3):
    """Every page by number, then by following Next from the first page and Previous back from the last."""
    by_number, page = [], 1
    while True:
        result = case_list(office.admin, CaseFilters(sort=sort), page=page, per_page=per_page)
        by_number.append([row.id for row in result.rows])
        if not result.has_next:
            break
        page += 1
    forward, result = [], case_list(office.admin, CaseFilters(sort=sort), per_page=per_page)
    forward.append([row.id for row in result.rows])
    while result.has_next:
        result = case_list(office.admin, CaseFilters(sort=sort), page=result.page + 1, per_page=per_page,
                           after=Cursor.decode(result.last.encode(), sort))
        forward.append([row.id for row in result.rows])
    backward = [[row.id for row in result.rows]]
    while result.has_prev:
        result = case_list(office.admin, CaseFilters(sort=sort), page=result.page - 1, per_page=per_page,
                           before=Cursor.decode(result.first.encode(), sort))
        backward.append([row.id for row in result.rows])
    return by_number, forward, backward[::-1]


@pytest.mark.parametrize("sort", sorted(SORTS))
def test_next_and_previous_show_the_same_pages_as_page_numbers_in_every_sort(office, factory, sort):
    _caseload(office, factory)
    by_number, forward, backward = _walk(office, sort)
    assert forward == by_number
    assert backward == by_number
    ids = [case_id for page in by_number for case_id in page]
    assert len(ids) == len(set(ids)) == 13  # the office fixture's two cases and the eleven above


def test_a_case_registered_while_paging_does_not_shift_the_next_page(office, factory):
    _caseload(office, factory)
    first = case_list(office.admin, CaseFilters(), per_page=3)
    second = case_list(office.admin, CaseFilters(), page=2, per_page=3)
    factory.case(office.ch, arrival=date(2020, 1, 1))  # sorts before everything on the first page
    db.session.commit()
    following = case_list(office.admin, CaseFilters(), page=2, per_page=3, after=first.last)
    assert [row.id for row in following.rows] == [row.id for row in second.rows]


@pytest.mark.parametrize("cursor", ["", "x", "9.1", "0.abc", "0.5.not-a-date", "1.5.2009-03-01", "0.5.2009-13-01"])
def test_a_cursor_that_is_not_one_of_the_sort_is_ignored(cursor):
    assert Cursor.decode(cursor, "arrival_desc") is None


def test_the_list_links_pages_by_cursor_and_every_case_is_reached(office, factory, client, auth):
    _caseload(office, factory)
    auth.login(office.supervisor.username)
    client.application.config["CASES_PER_PAGE"] = 4
    url, seen, pages = "/cases/?sort=arrival_desc", [], 0
    while url:
        html = client.get(url).get_data(as_text=True)
        pages += 1
        seen += re.findall(r'href="/cases/(\d+)"', html)
        found = re.search(r'<a rel="next" href="([^"]+)"', html)
        url = found.group(1).replace("&amp;", "&") if found else None
        if url:
            assert "after=" in url and f"page={pages + 1}" in url
    assert pages == 4 and len(seen) == len(set(seen)) == 13
