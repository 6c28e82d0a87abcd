"""A case's history never names a case of a programme its viewer cannot see."""
from __future__ import annotations

import re

from sqlalchemy import select

from casework.cases.models import Person
from casework.extensions import db
from tests.cases.test_views import member, register_form


def test_returned_again_history_hides_the_other_programmes_case(office, client, auth):
    ch_person = office.ch_case.principal  # Marko Petrović, 1980, in AVR-CH
    ch_reference, ch_case_id, ch_person_id = office.ch_case.reference, office.ch_case.id, ch_person.id
    auth.login("supervisor")  # works on both programmes
    form = register_form(office.uk.id, member(0, "Petrovic", "Marko", "M", "1980", "principal"),
                         **{"duplicate-0": str(ch_person_id)})
    response = client.post("/cases/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    uk_case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    # The supervisor, who sees both, is shown the earlier case.
    page = client.get(f"/cases/{uk_case_id}").get_data(as_text=True)
    assert ch_reference in page
    auth.logout()

    auth.login("caseworker.uk")  # VARRP-UK only
    for tab in ("", "?tab=history"):
        page = client.get(f"/cases/{uk_case_id}{tab}").get_data(as_text=True)
        assert ch_reference not in page
        assert f"/cases/{ch_case_id}\"" not in page
    assert "returned again" in page  # the event is there, attributable
    history = page[page.index("History</h2>"):]
    assert not re.search(rf"\b{ch_person_id}\b", history.split("returned again", 1)[1].split("</li>", 1)[0])
    assert "a case in a programme you do not see" in history
    assert client.get(f"/cases/{ch_case_id}").status_code == 404
    new = db.session.scalar(select(Person).where(Person.case_id == uk_case_id))
    assert new.returned_from_person_id == ch_person_id
