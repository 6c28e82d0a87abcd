"""The case export holds exactly what the screen shows, and the audit trail says what left."""
from __future__ import annotations

import csv
import html
import io
import re
from datetime import date

from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.extensions import db


def _download_link(page: str, fmt: str = "csv") -> str:
    href = re.search(r'href="(/cases/export\?format=' + fmt + r'[^"]*)"', page)
    assert href, "no download link on the case list"
    return html.unescape(href.group(1))


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))[1:]


def test_download_from_a_search_holds_the_cases_found_and_the_audit_says_so(client, auth, office, factory):
    factory.case(office.ch, arrival=date(2009, 4, 1), municipality="Kraljevo",
                 members=[factory.person("Vukadinović", "Milan")])
    factory.case(office.ch, arrival=date(2009, 5, 1), municipality="Niš",
                 members=[factory.person("Vukadin", "Petar")])
    for n in range(5):
        factory.case(office.ch, arrival=date(2008, 1, 1 + n), members=[factory.person("Jović", f"Ivan{n}")])
    db.session.commit()
    auth.login("caseworker")
    page = client.get("/cases/?q=Vukadin&municipality=Niš").get_data(as_text=True)
    assert "Vukadin" in page and "Vukadinović" not in page and "Jović" not in page
    response = client.get(_download_link(page))
    assert [(r[3], r[4]) for r in _rows(response)] == [("Vukadin", "Petar")]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "cases_exported")).one()
    assert event.changes["filters"] == {"q": "Vukadin", "municipality": "Niš"}
    assert event.changes["rows"] == 1 and event.username == "caseworker"
    # The search alone: both Vukadin families, nobody else.
    page = client.get("/cases/?q=vukadin").get_data(as_text=True)
    assert sorted(r[3] for r in _rows(client.get(_download_link(page, "csv")))) == ["Vukadin", "Vukadinović"]
    last = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "cases_exported")
                              .order_by(AuditEvent.id.desc())).first()
    assert last.changes["rows"] == 2 and last.changes["filters"] == {"q": "vukadin"}


def test_a_search_export_stays_within_the_users_programmes(client, auth, office, factory):
    factory.case(office.uk, arrival=date(2009, 4, 1), members=[factory.person("Vukadin", "Uk")])
    db.session.commit()
    auth.login("caseworker")  # AVR-CH only
    assert _rows(client.get("/cases/export?format=csv&q=Vukadin")) == []
