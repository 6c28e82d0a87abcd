"""Paging the case list in its default order: every case once, returned cases by latest arrival first."""
from __future__ import annotations

from datetime import date

from casework.cases.queries import CaseFilters, case_list
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
        seen += [(c.arrival_date, c.id) for c, _principal, _programme in result.rows]
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
