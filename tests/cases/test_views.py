"""Caseworker screens through the test client."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from casework.cases.models import Case, Person
from casework.extensions import db


def member(i, family, given, sex="F", birth="1980", relationship="child", travelled=True, **extra):
    data = {f"members-{i}-family_name": family, f"members-{i}-given_name": given, f"members-{i}-sex": sex,
            f"members-{i}-birth": birth, f"members-{i}-relationship": relationship,
            f"members-{i}-nationality": "RS"}
    if travelled:
        data[f"members-{i}-travelled"] = "y"
    data.update({f"members-{i}-{k}": v for k, v in extra.items()})
    return data


def register_form(programme_id, *members, **case):
    data = {"programme_id": programme_id, "arrival_date": "2011-12-31", "sending_country": "CH",
            "municipality": "Kraljevo", "caseworker_id": "0", "notes": "", "save": "1"}
    data.update(case)
    for m in members:
        data.update(m)
    return data


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_caseworker_registers_family_of_three(office, client, auth):
    auth.login("caseworker")
    form = register_form(office.ch.id,
                         member(0, "Đorđević", "Dragan", "M", "12.03.1975", "principal"),
                         member(1, "Đorđević", "Vesna", "F", "1977", "spouse"),
                         member(2, "Đorđević", "Mila", "F", "2009-02-01", "child", travelled=False,
                                vulnerabilities="medical"))
    response = client.post("/cases/new", data=form)
    assert response.status_code == 302
    case = db.session.scalar(select(Case).where(Case.municipality == "Kraljevo"))
    assert case.reference == "AVR-CH-2011-0001"
    assert [(p.given_name, p.birth_year, p.birth_date) for p in case.persons] == [
        ("Dragan", 1975, date(1975, 3, 12)), ("Vesna", 1977, None), ("Mila", 2009, date(2009, 2, 1))]
    assert case.persons[2].travelled is False
    assert [v.value for v in case.persons[2].vulnerabilities] == ["medical"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đorđević, Vesna" in page
    assert "case created" in client.get(f"{response.headers['Location']}?tab=history").get_data(as_text=True)


def test_invalid_form_saves_nothing_and_keeps_what_was_typed(office, client, auth):
    auth.login("caseworker")
    cases_before, persons_before = count(Case), count(Person)
    form = register_form(office.ch.id,
                         member(0, "Šećerović", "Emir", "M", "1980", "principal"),
                         member(1, "", "Azra", "F", "31.02.2001", "child"),
                         arrival_date="2999-01-01")
    response = client.post("/cases/new", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was saved" in page
    assert "Use a year (1980) or a date" in page          # next to the impossible birth date
    assert 'value="Šećerović"' in page and 'value="Azra"' in page
    assert count(Case) == cases_before and count(Person) == persons_before
    # The service's own rules too: a future arrival, shown next to its field.
    form = register_form(office.ch.id, member(0, "Šećerović", "Emir", "M", "1980", "principal"),
                         arrival_date="2999-01-01")
    page = client.post("/cases/new", data=form).get_data(as_text=True)
    assert "cannot be in the future" in page
    assert count(Case) == cases_before


def test_two_principals_refused(office, client, auth):
    auth.login("caseworker")
    form = register_form(office.ch.id, member(0, "A", "B", "M", "1980", "principal"),
                         member(1, "A", "C", "F", "1981", "principal"))
    response = client.post("/cases/new", data=form)
    assert response.status_code == 422
    assert "exactly one principal" in response.get_data(as_text=True)


def test_add_and_remove_members_without_javascript(office, client, auth):
    auth.login("caseworker")
    form = register_form(office.ch.id, member(0, "Hodžić", "Senad", "M", "1980", "principal"))
    del form["save"]
    form["add_member"] = "1"
    page = client.post("/cases/new", data=form).get_data(as_text=True)
    assert 'name="members-1-family_name"' in page and 'value="Hodžić"' in page
    form.update(member(1, "Hodžić", "Aida", "F", "1982", "spouse"))
    form.update(member(2, "Hodžić", "X", "F", "2010", "child", remove="y"))
    del form["add_member"]
    form["remove_members"] = "1"
    page = client.post("/cases/new", data=form).get_data(as_text=True)
    assert 'value="Aida"' in page and 'name="members-2-family_name"' not in page
    assert count(Case) == 2  # only the office fixture's; nothing saved while editing the form


def test_case_list_filters_and_scoping(office, client, auth, factory):
    factory.case(office.ch, arrival=date(2005, 1, 1), municipality="Vranje")
    factory.case(office.ch, arrival=None, municipality="Vranje")
    db.session.commit()
    auth.login("caseworker")
    page = client.get("/cases/?municipality=Vranje").get_data(as_text=True)
    assert page.count("AVR-CH-") == 2 and "VARRP-UK" not in page.split("<tbody>")[1]
    page = client.get("/cases/?status=referred").get_data(as_text=True)
    assert page.split("<tbody>")[1].count("AVR-CH-") == 1
    page = client.get("/cases/?arrived_from=2004-01-01&arrived_to=2006-01-01").get_data(as_text=True)
    assert page.split("<tbody>")[1].count("AVR-CH-") == 1
    page = client.get("/cases/?arrived_from=nonsense").get_data(as_text=True)
    assert "Use a date like" in page


def test_pagination(office, client, auth, factory, app):
    app.config["CASES_PER_PAGE"] = 2
    for year in (2003, 2004, 2005):
        factory.case(office.ch, arrival=date(year, 1, 1))
    db.session.commit()
    auth.login("caseworker")
    first = client.get("/cases/?sort=reference").get_data(as_text=True)
    assert 'rel="next"' in first
    third = client.get("/cases/?sort=reference&page=2").get_data(as_text=True)
    assert 'rel="prev"' in third and 'rel="next"' not in third


def test_caseworker_of_other_programme_gets_404(office, client, auth):
    auth.login("caseworker.uk")
    for url in (f"/cases/{office.ch_case.id}", f"/cases/{office.ch_case.id}/edit",
                f"/cases/{office.ch_case.id}/persons/new"):
        assert client.get(url).status_code == 404
    assert client.post(f"/cases/{office.ch_case.id}/status", data={"status": "closed"}).status_code == 404
    assert client.get(f"/cases/{office.uk_case.id}").status_code == 200
    assert office.ch_case.reference not in client.get("/cases/").get_data(as_text=True)


@pytest.mark.parametrize("suffix", ["", "/edit", "/persons/new", "/persons/{person}/edit"])
def test_donor_gets_403_on_every_case_page(office, client, auth, suffix):
    auth.login("donor.ch")
    url = f"/cases/{office.ch_case.id}" + suffix.format(person=office.ch_case.persons[0].id)
    assert client.get(url).status_code == 403
    assert client.get("/cases/").status_code == 403
    assert client.get("/cases/new").status_code == 403


def test_edit_case_and_stale_form(office, client, auth):
    auth.login("caseworker")
    case = office.ch_case
    page = client.get(f"/cases/{case.id}/edit").get_data(as_text=True)
    assert 'value="Niš"' in page
    data = {"arrival_date": "2010-05-01", "sending_country": "CH", "municipality": "Leskovac",
            "caseworker_id": "0", "notes": "Family housed", "legacy_reference": "CH/2010/7",
            "version": str(case.version)}
    assert client.post(f"/cases/{case.id}/edit", data=data).status_code == 302
    data["municipality"] = "Vranje"  # the same, now stale, form sent again
    response = client.post(f"/cases/{case.id}/edit", data=data)
    assert response.status_code == 409
    assert "changed this record since you opened it" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).municipality == "Leskovac"


def test_status_change_through_the_page(office, client, auth):
    auth.login("caseworker")
    case = office.ch_case
    response = client.post(f"/cases/{case.id}/status", data={"status": "reintegration", "version": case.version})
    assert response.status_code == 302
    assert "Reintegration in progress" in client.get(f"/cases/{case.id}").get_data(as_text=True)
    page = client.get(f"/cases/{case.id}?tab=history").get_data(as_text=True)
    assert "Status: Arrived → Reintegration in progress" in page
    assert "arrived → reintegration" not in page  # history shows labels, not the stored codes
    # Not allowed: straight back to referred.
    client.post(f"/cases/{case.id}/status", data={"status": "referred"})
    db.session.expire_all()
    assert db.session.get(Case, case.id).status.value == "reintegration"


def test_edit_and_add_person(office, client, auth):
    auth.login("caseworker")
    case = office.ch_case
    spouse = case.persons[1]
    data = {"family_name": "Petrović", "given_name": "Jelena", "sex": "F", "birth": "04.03.1982",
            "relationship": "spouse", "nationality": "rs", "travelled": "y", "version": spouse.version}
    assert client.post(f"/cases/{case.id}/persons/{spouse.id}/edit", data=data).status_code == 302
    data = {"family_name": "Petrović", "given_name": "Luka", "sex": "M", "birth": "2008",
            "relationship": "principal", "travelled": "y"}
    response = client.post(f"/cases/{case.id}/persons/new", data=data)
    assert response.status_code == 422 and "already has a principal" in response.get_data(as_text=True)
    data["relationship"] = "child"
    assert client.post(f"/cases/{case.id}/persons/new", data=data).status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert [p.given_name for p in case.persons] == ["Marko", "Jelena", "Luka"]
    assert case.persons[1].nationality == "RS" and case.persons[1].birth_date == date(1982, 3, 4)


def test_admin_sees_all_and_manages_users(office, client, auth):
    auth.login("admin")
    assert client.get(f"/cases/{office.ch_case.id}").status_code == 200
    data = {"username": "new.worker", "full_name": "New Worker", "role": "caseworker",
            "programmes": [str(office.uk.id)], "password": "short"}
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 422 and "at least 12 characters" in response.get_data(as_text=True)
    data["password"] = "a long enough passphrase"
    assert client.post("/admin/users/new", data=data).status_code == 302
    auth.logout()
    assert auth.login("new.worker", "a long enough passphrase").status_code == 302
    assert client.get(f"/cases/{office.uk_case.id}").status_code == 200


def test_admin_creates_programme_in_the_web(office, client, auth):
    auth.login("admin")
    data = {"code": "AVR-DE", "name": "Return from Germany", "donor": "BAMF", "currency": "EUR",
            "start_date": "2005-01-01", "decision_authority": "office", "budget": "12.345"}
    response = client.post("/admin/programmes/new", data=data)
    assert response.status_code == 422 and "two decimals" in response.get_data(as_text=True)
    data["budget"] = "100000.50"
    assert client.post("/admin/programmes/new", data=data).status_code == 302
    assert "EUR 100,000.50" in client.get("/admin/programmes").get_data(as_text=True)


@pytest.mark.parametrize("username", ["caseworker", "supervisor", "donor.ch"])
def test_admin_pages_refused_to_others(office, client, auth, username):
    auth.login(username)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/programmes").status_code == 403


def test_admin_edits_a_user_a_programme_and_its_caps_through_the_pages(office, client, auth):
    from casework.programmes.models import ProgrammeCap

    auth.login("admin")
    response = client.post(f"/admin/users/{office.caseworker_uk.id}", follow_redirects=True, data={
        "full_name": "Nenad Renamed", "role": "caseworker", "programmes": [str(office.uk.id)]})
    assert response.status_code == 200 and "User caseworker.uk saved." in response.get_data(as_text=True)
    response = client.post(f"/admin/programmes/{office.uk.id}", follow_redirects=True, data={
        "code": "VARRP-UK", "name": "VARRP renamed", "donor": "UK Home Office", "currency": "GBP", "start_date": "2002-01-01",
        "decision_authority": "office", "budget": "", "small_cell_threshold": "5", "release_calendar": "year"})
    assert response.status_code == 200 and "Programme VARRP-UK saved." in response.get_data(as_text=True)
    response = client.post(f"/admin/programmes/{office.uk.id}/caps", follow_redirects=True, data={
        "valid_from": "2012-01-01", "per_person": "1500", "per_case": "4000"})
    assert response.status_code == 200 and "Caps saved." in response.get_data(as_text=True)
    db.session.expire_all()
    caps = db.session.scalars(select(ProgrammeCap).where(ProgrammeCap.programme_id == office.uk.id)).all()
    assert any(str(c.per_person) == "1500.00" and str(c.per_case) == "4000.00" for c in caps)


def _sync_setting(conn) -> str:
    if conn.dialect.name == "sqlite":
        return {1: "relaxed", 2: "full"}[conn.exec_driver_sql("PRAGMA synchronous").scalar()]
    return {"off": "relaxed", "on": "full"}[conn.exec_driver_sql("SHOW synchronous_commit").scalar()]


def test_a_case_view_is_recorded_and_later_commits_still_wait_for_the_disk(office, client, auth):
    """The view's record is committed without waiting for the disk; the connection it used goes
    back to syncing every commit, and a change is never committed relaxed."""
    from sqlalchemy import event

    from casework.audit.models import AuditEvent
    from tests import factories

    case_id = factories.case(office.ch).id
    db.session.commit()
    auth.login("caseworker")
    seen = []  # the setting in force at each commit, read just before it
    listener = lambda conn: seen.append(_sync_setting(conn))  # noqa: E731
    event.listen(db.engine, "commit", listener)
    try:
        assert client.get(f"/cases/{case_id}").status_code == 200
        assert seen == ["relaxed"]  # the view's record, its one commit
        seen.clear()
        response = client.post(f"/cases/{case_id}/notes", data={"kind": "visit", "noted_on": "2012-01-05",
                                                                "text": "Met the family at home."})
        assert response.status_code == 302 and seen == ["full"]  # a change: synced before it is confirmed
    finally:
        event.remove(db.engine, "commit", listener)
    db.session.remove()
    # Every connection in the pool, the one the view used among them.
    pooled = [db.engine.connect() for _ in range(db.engine.pool.checkedin())]
    try:
        assert pooled
        assert {_sync_setting(conn) for conn in pooled} == {"full"}
    finally:
        for conn in pooled:
            conn.close()
    views = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case_viewed",
                                                        AuditEvent.entity_id == case_id)).all()
    assert [v.username for v in views] == ["caseworker"]


def test_every_connection_is_set_up_for_the_application(app):
    """SQLite: WAL, full sync, foreign keys; PostgreSQL: no parallel workers (a page's statements
    read a bounded number of rows, and a worker costs more to start than they take)."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        else:
            assert conn.exec_driver_sql("SHOW max_parallel_workers_per_gather").scalar() == "0"


def test_each_tab_of_the_case_page_is_its_own_address_and_an_unknown_one_is_not_found(office, client, auth):
    from flask import current_app

    from casework.audit.models import AuditEvent
    from casework.cases.tabs import add_case_tab

    auth.login("caseworker")
    case_id = office.ch_case.id
    for tab in ("nope", "Notes", ""):
        assert client.get(f"/cases/{case_id}?tab={tab}").status_code == 404
    page = client.get(f"/cases/{case_id}?tab=notes").get_data(as_text=True)
    assert 'aria-current="page">Notes</a>' in page and "Change status" not in page  # the notes, not the overview
    viewed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case_viewed")).all()
    assert [v.changes for v in viewed] == [{"tab": "notes"}]  # 404s view nothing; the tab is recorded
    auth.logout()
    auth.login("admin")
    audit = client.get("/admin/audit?action=case_viewed").get_data(as_text=True)
    assert "Tab: Notes" in audit  # in labels, not the code "notes"
    auth.logout()
    auth.login("caseworker.uk")  # another programme's case: not found on every tab
    assert {client.get(f"/cases/{case_id}?tab={tab}").status_code for tab in ("notes", "history")} == {404}
    with pytest.raises(ValueError, match="has a tab 'notes' already"):
        add_case_tab(current_app, "notes", "Notes again", 99, lambda case: "")
