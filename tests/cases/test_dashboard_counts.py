"""The dashboard's case counts per status, each counted up to a cap."""
from __future__ import annotations

import re

from casework.cases import queries
from casework.extensions import db
from tests import factories


def _figures(html: str) -> list[str]:
    return re.findall(r'<span class="figure">([^<]*)</span><span>([^<]*)</span>', html)


def test_the_dashboard_counts_the_cases_of_each_status_the_user_may_see(office, client, auth, monkeypatch):
    for _ in range(3):
        factories.case(office.ch)
    factories.case(office.uk)
    db.session.commit()
    auth.login("caseworker")
    figures = {label: figure for figure, label in _figures(client.get("/dashboard").get_data(as_text=True))}
    ch_cases = 3 + 1  # and the office's own case in the CH programme
    assert figures["Arrived"] == str(ch_cases)
    monkeypatch.setattr(queries, "STATUS_COUNT_CAP", 2)
    figures = {label: figure for figure, label in _figures(client.get("/dashboard").get_data(as_text=True))}
    assert figures["Arrived"] == "2+"
    assert figures["Closed"] == "0"
