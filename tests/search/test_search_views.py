"""Searching from the case list and the top bar."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from casework.cases.models import Person
from casework.cases.services import PersonData, update_person
from casework.extensions import db
from tests import factories as f


@pytest.fixture
def people(office):
    f.case(office.ch, members=[f.person("Đorđević", "Dragan", born=date(1975, 3, 12)),
                               f.person("Đorđević", "Mila", sex="F", year=2009, relationship="child")],
           municipality="Kraljevo")
    f.case(office.ch, members=[f.person("Љубић", "Марко")])
    f.case(office.ch, members=[f.person("Šećerović", "Emir", year=1980)])
    # Same name in the other programme: the CH caseworker must never see it.
    f.case(office.uk, members=[f.person("Đorđević", "Zoran", year=1975)], municipality="Leskovac")
    db.session.commit()
    return office


def results(client, q):
    response = client.get("/cases/", query_string={"q": q})
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("q", ["Djordjevic", "dordevic", "ĐORĐEVIĆ", "Ђорђевић", "djordjevic dragan", "Dragan Đorđević"])
def test_every_spelling_finds_the_same_person(people, client, auth, q):
    auth.login("caseworker")
    page = results(client, q)
    assert "Dragan Đorđević" in page and "1975-03-12" in page
    assert "Zoran" not in page and "Leskovac" not in page          # other programme


def test_ljubic_finds_cyrillic_and_secerovic_finds_diacritics(people, client, auth):
    auth.login("caseworker")
    assert "Марко Љубић" in results(client, "Ljubic")
    page = results(client, "Secerovic")
    assert "Emir Šećerović" in page and "Dragan" not in page


def test_any_member_matches_and_shows_with_its_case(people, client, auth):
    auth.login("caseworker")
    page = results(client, "Mila Djordjevic")
    assert "Mila Đorđević" in page and "Dragan" not in page and "Kraljevo" in page


def test_reference_and_birth_dates(people, client, auth):
    auth.login("caseworker")
    reference = people.ch_case.reference
    assert "Marko Petrović" in results(client, reference.lower())
    for q in ("1975-03-12", "12.03.1975", "12.3.1975."):
        page = results(client, q)
        assert "Dragan Đorđević" in page and "Emir" not in page
    page = results(client, "1980")
    assert "Emir Šećerović" in page and "Marko Petrović" in page and "Dragan" not in page


def test_search_never_leaves_the_users_programmes(people, client, auth):
    auth.login("caseworker.uk")
    page = results(client, "Djordjevic")
    assert "Zoran Đorđević" in page and "Dragan" not in page
    assert "Marko Petrović" not in results(client, people.ch_case.reference)
    assert "Nobody matches" in results(client, "Ljubic")


def test_search_box_in_top_bar_for_caseworkers_and_supervisors_only(people, client, auth):
    auth.login("supervisor")
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'role="search"' in page
    assert "Zoran Đorđević" in results(client, "Djordjevic")   # supervisor sees both programmes
    auth.logout()
    auth.login("donor.ch")
    assert 'role="search"' not in client.get("/dashboard").get_data(as_text=True)
    assert client.get("/cases/", query_string={"q": "Djordjevic"}).status_code == 403


def test_search_key_follows_name_edits(people, app):
    person = db.session.scalar(select(Person).where(Person.given_name == "Emir"))
    update_person(person, PersonData(family_name="Ђурић", given_name="Emir", sex="M", birth_year=1980))
    db.session.commit()
    assert person.search_key == "duric emir" and person.search_key_given_first == "emir duric"



def _names_on(html: str) -> list[str]:
    import re

    return re.findall(r"<td>([^<]+)<br><small>", html)


def _all_pages(client, **args) -> list[str]:
    seen, page = [], 1
    while True:
        html = client.get("/cases/", query_string={**args, "page": page}).get_data(as_text=True)
        seen += _names_on(html)
        if 'rel="next"' not in html:
            return seen
        page += 1


@pytest.fixture
def markos(office):
    # "marko" starts family names (the family-name-first key) and given names (given name first).
    f.case(office.ch, members=[f.person("Markovic", "Ana")], arrival=date(2015, 1, 1))
    f.case(office.ch, members=[f.person("Jovanovic", "Marko")], arrival=date(2016, 1, 1))
    f.case(office.ch, members=[f.person("Marko", "Zoran")], arrival=date(2014, 1, 1))
    f.case(office.ch, members=[f.person("Markovic", "Bojan"),
                               f.person("Petrovic", "Markela", sex="F", relationship="spouse")],
           arrival=date(2017, 1, 1))
    f.case(office.ch, members=[f.person("Markovic", "Marko")], arrival=date(2013, 1, 1))  # both keys match
    db.session.commit()
    return office


def test_a_name_search_lists_the_matches_by_name_page_by_page(markos, client, auth, monkeypatch):
    monkeypatch.setitem(client.application.config, "CASES_PER_PAGE", 2)
    auth.login("caseworker")
    html = client.get("/cases/", query_string={"q": "marko"}).get_data(as_text=True)
    assert '<option value="name" selected>Name</option>' in html
    # By the matching key: "marko jovanovic", "marko petrovic" (given name first), then "marko
    # zoran", "markovic ana", "markovic bojan", "markovic marko"; each person once, Markela not at all.
    assert _all_pages(client, q="marko") == ["Marko Jovanovic", "Marko Petrović", "Zoran Marko", "Ana Markovic",
                                             "Bojan Markovic", "Marko Markovic"]


def test_a_name_search_keeps_an_order_asked_for(markos, client, auth, monkeypatch):
    monkeypatch.setitem(client.application.config, "CASES_PER_PAGE", 2)
    auth.login("caseworker")
    assert _all_pages(client, q="marko", sort="arrival_desc") == [
        "Bojan Markovic", "Marko Jovanovic", "Ana Markovic", "Zoran Marko", "Marko Markovic", "Marko Petrović"]


def test_the_export_beside_a_name_search_keeps_its_filters(markos, client, auth):
    auth.login("supervisor")

    def export(**args):
        return client.get("/cases/export", query_string={"format": "csv", "q": "marko", "sort": "name", **args}
                          ).get_data(as_text=True).splitlines()

    rows = export(programme="AVR-CH")
    assert len(rows) == 1 + 6  # the header, and the six cases with a "marko"
    assert any("Markovic" in row for row in rows) and not any("Berisha" in row for row in rows)
    assert export(programme="VARRP-UK") == rows[:1]  # nobody called so in the other programme
