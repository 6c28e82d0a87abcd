"""Likely duplicates are shown before saving; the caseworker links or confirms a different person."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.cases.models import Case, Person
from casework.extensions import db
from casework.search.services import likely_duplicates
from tests import factories as f
from tests.cases.test_views import member, register_form


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def earlier(office):
    """Dragan Đorđević, born 12 March 1975, already returned under AVR-CH."""
    case = f.case(office.ch, members=[f.person("Đorđević", "Dragan", born=date(1975, 3, 12))])
    db.session.commit()
    return case.persons[0]


def test_likely_duplicates_match_name_in_any_spelling_and_compatible_birth(office):
    dragan = earlier(office)
    ids = [office.ch.id, office.uk.id]
    assert likely_duplicates("Djordjevic", "Dragan", 1975, None, ids) == [dragan]            # year-only
    assert likely_duplicates("ЂОРЂЕВИЋ", "Драган", 1975, date(1975, 3, 12), ids) == [dragan]
    assert likely_duplicates("Djordjevic", "Dragan", 1975, date(1975, 3, 13), ids) == []    # another day
    assert likely_duplicates("Djordjevic", "Dragan", 1976, None, ids) == []
    assert likely_duplicates("Djordjevic", "Dragan", 1975, None, [office.uk.id]) == []      # other programme
    assert likely_duplicates("Djordjevic", "Zoran", 1975, None, ids) == []


def test_register_shows_the_warning_with_a_link_and_saves_nothing(office, client, auth):
    dragan = earlier(office)
    auth.login("caseworker")
    cases_before = count(Case)
    form = register_form(office.ch.id, member(0, "Djordjevic", "Dragan", "M", "1975", "principal"),
                         member(1, "Djordjevic", "Ana", "F", "1978", "spouse"))
    response = client.post("/cases/new", data=form)
    page = response.get_data(as_text=True)
    assert "This person may already be recorded" in page
    assert f'href="/cases/{dragan.case_id}"' in page and dragan.case.reference in page
    assert 'value="Djordjevic"' in page                      # what was typed is kept
    assert count(Case) == cases_before


def test_returned_again_links_the_new_person_to_the_earlier_one(office, client, auth):
    dragan = earlier(office)
    auth.login("caseworker")
    form = register_form(office.ch.id, member(0, "Djordjevic", "Dragan", "M", "1975", "principal"),
                         **{"duplicate-0": str(dragan.id)})
    response = client.post("/cases/new", data=form)
    assert response.status_code == 302
    new = db.session.scalar(select(Person).where(Person.given_name == "Dragan", Person.id != dragan.id))
    assert new.returned_from_person_id == dragan.id
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person_returned_again")) is not None
    # Both case pages link to each other.
    page = client.get(f"/cases/{new.case_id}").get_data(as_text=True)
    assert "returned before as" in page and f'href="/cases/{dragan.case_id}"' in page
    page = client.get(f"/cases/{dragan.case_id}").get_data(as_text=True)
    assert "returned again as" in page and f'href="/cases/{new.case_id}"' in page


def test_different_person_registers_without_a_link(office, client, auth):
    earlier(office)
    auth.login("caseworker")
    form = register_form(office.ch.id, member(0, "Djordjevic", "Dragan", "M", "1975", "principal"),
                         **{"duplicate-0": "different"})
    assert client.post("/cases/new", data=form).status_code == 302
    people = db.session.scalars(select(Person).where(Person.given_name == "Dragan")).all()
    assert len(people) == 2 and all(p.returned_from_person_id is None for p in people)


def test_a_person_id_outside_the_candidates_is_no_decision(office, client, auth):
    earlier(office)
    auth.login("caseworker")
    uk_person = office.uk_case.persons[0]
    form = register_form(office.ch.id, member(0, "Djordjevic", "Dragan", "M", "1975", "principal"),
                         **{"duplicate-0": str(uk_person.id)})
    page = client.post("/cases/new", data=form).get_data(as_text=True)
    assert "This person may already be recorded" in page
    assert db.session.scalar(select(func.count()).select_from(Person).where(Person.given_name == "Dragan")) == 1


def test_no_warning_for_a_duplicate_in_another_programme(office, client, auth):
    f.case(office.uk, members=[f.person("Đorđević", "Dragan", year=1975)])
    db.session.commit()
    auth.login("caseworker")
    form = register_form(office.ch.id, member(0, "Djordjevic", "Dragan", "M", "1975", "principal"))
    assert client.post("/cases/new", data=form).status_code == 302


def test_add_person_warns_too(office, client, auth):
    dragan = earlier(office)
    auth.login("caseworker")
    data = {"family_name": "Đorđević", "given_name": "Dragan", "sex": "M", "birth": "12.03.1975",
            "relationship": "sibling", "nationality": "RS", "travelled": "y"}
    url = f"/cases/{office.ch_case.id}/persons/new"
    page = client.post(url, data=data).get_data(as_text=True)
    assert "This person may already be recorded" in page and dragan.case.reference in page
    assert client.post(url, data={**data, "duplicate-0": str(dragan.id)}).status_code == 302
    added = db.session.scalar(select(Person).where(Person.case_id == office.ch_case.id, Person.given_name == "Dragan"))
    assert added.returned_from_person_id == dragan.id
