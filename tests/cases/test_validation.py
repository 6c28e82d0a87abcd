"""One person/case validation: the web forms, the import and the command line refuse the same values."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from casework.cases.models import Case, Person
from casework.extensions import db
from tests.cases.test_views import member, register_form
from tests.grants import helpers

PERSONS_HEADER = "case_ref,programme,family_name,given_name,sex,date_of_birth,relationship,arrival_date,nationality\n"


def _import(runner, tmp_path, text, kind="persons"):
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(text.encode("utf-8"))
    return runner.invoke(args=["import", kind, str(path)])


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_refuses_control_characters_in_names_and_stores_nothing(runner, office, tmp_path):
    before = _count(Person)
    result = _import(runner, tmp_path, PERSONS_HEADER
                     + "L1,AVR-CH,Ili\x00ć,Milan,M,1970,principal,2005-01-10,RS\n"
                     + "L2,AVR-CH,Ilić,Ve\x1bsna,F,1972,principal,2005-01-10,RS\n")
    assert result.exit_code != 0
    assert "row 2, column family_name: Remove the control characters" in result.output
    assert "row 3, column given_name: Remove the control characters" in result.output
    assert _count(Person) == before


def test_web_form_refuses_the_same_control_characters(office, client, auth):
    auth.login("caseworker")
    before = _count(Person)
    form = register_form(office.ch.id, member(0, "Ili\x1bć", "Milan", "M", "1970", "principal"))
    response = client.post("/cases/new", data=form)
    assert response.status_code == 422 and "Remove the control characters" in response.get_data(as_text=True)
    assert _count(Person) == before


def test_nationality_is_refused_alike_on_the_web_and_in_the_import(office, client, auth, runner, tmp_path):
    """The web accepted any letters ("ŽŽ"), the import only A-Z: now both refuse it."""
    auth.login("caseworker")
    form = register_form(office.ch.id, member(0, "Ilić", "Milan", "M", "1970", "principal", nationality="ŽŽ"))
    response = client.post("/cases/new", data=form)
    assert response.status_code == 422 and "two- or three-letter country code" in response.get_data(as_text=True)
    result = _import(runner, tmp_path, PERSONS_HEADER + "N1,AVR-CH,Ilić,Milan,M,1970,principal,2005-01-10,ŽŽ\n")
    assert result.exit_code != 0 and "row 2, column nationality: Use a two- or three-letter country code" \
        in result.output


def test_arrival_before_the_programme_start_is_refused_everywhere(office, client, auth, runner, tmp_path):
    auth.login("caseworker")
    before = _count(Case)
    for arrival in ("1990-05-01", "2001-12-31", "2002-06-30"):
        form = register_form(office.ch.id, member(0, "Ilić", "Milan", "M", "1970", "principal"), arrival_date=arrival)
        response = client.post("/cases/new", data=form)
        assert response.status_code == 422
        assert "before the programme AVR-CH started (2002-07-01)" in response.get_data(as_text=True)
    result = _import(runner, tmp_path, PERSONS_HEADER + "E1,AVR-CH,Ilić,Milan,M,1970,principal,2001-03-01,RS\n")
    assert result.exit_code != 0 and "row 2, column arrival_date: The arrival date is before the programme" \
        in result.output
    # The status change to "arrived" and the case edit apply it too.
    referred = helpers_case_referred(office)
    response = client.post(f"/cases/{referred.id}/status",
                           data={"status": "arrived", "arrival_date": "2001-01-01", "version": referred.version})
    assert "before the programme AVR-CH started" in client.get(response.headers["Location"]).get_data(as_text=True)
    case = office.ch_case
    response = client.post(f"/cases/{case.id}/edit", data={
        "arrival_date": "1990-01-01", "sending_country": "CH", "municipality": "Niš", "caseworker_id": "0",
        "notes": "", "version": case.version})
    assert response.status_code == 422 and "before the programme" in response.get_data(as_text=True)
    assert _count(Case) == before + 1  # only the referred case made here
    db.session.expire_all()
    assert db.session.get(Case, case.id).arrival_date == date(2010, 5, 1)


def helpers_case_referred(office):
    from tests import factories

    case = factories.case(office.ch, arrival=None)
    db.session.commit()
    return case


def test_a_traveller_is_born_by_the_arrival(office, client, auth, runner, tmp_path):
    auth.login("caseworker")
    case = office.ch_case  # arrived 2010-05-01
    data = {"family_name": "Petrović", "given_name": "Luka", "sex": "M", "birth": "2011-01-01",
            "relationship": "child", "travelled": "y"}
    response = client.post(f"/cases/{case.id}/persons/new", data=data)
    assert response.status_code == 422 and "born on or before the arrival date" in response.get_data(as_text=True)
    # A child born later who did not travel is fine (recorded for the family, not counted as assisted).
    del data["travelled"]
    assert client.post(f"/cases/{case.id}/persons/new", data=data).status_code == 302
    # Moving the arrival before a travelling member's birth is refused.
    data = {"family_name": "Petrović", "given_name": "Mila", "sex": "F", "birth": "2008-06-01",
            "relationship": "child", "travelled": "y"}
    assert client.post(f"/cases/{case.id}/persons/new", data=data).status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    response = client.post(f"/cases/{case.id}/edit", data={
        "arrival_date": "2008-01-01", "sending_country": "CH", "municipality": "Niš", "caseworker_id": "0",
        "notes": "", "version": case.version})
    assert response.status_code == 422 and "Mila Petrović travelled but was born after" in \
        response.get_data(as_text=True)
    result = _import(runner, tmp_path, PERSONS_HEADER
                     + "B1,AVR-CH,Ilić,Milan,M,1970,principal,2005-01-10,RS\n"
                     + "B1,AVR-CH,Ilić,Mali,M,2006,child,2005-01-10,RS\n")
    assert result.exit_code != 0 and "row 3, column date_of_birth: A member who travelled was born" in result.output


def test_import_numbers_past_9999_like_the_case_service(runner, office, tmp_path):
    """MAX(reference) as text is "-9999" once "-10000" exists: the import then collided."""
    from tests import factories

    factories.case(office.ch, arrival=date(2010, 6, 1), reference="AVR-CH-2010-9999")
    factories.case(office.ch, arrival=date(2010, 6, 2), reference="AVR-CH-2010-10000")
    db.session.commit()
    result = _import(runner, tmp_path, PERSONS_HEADER + "R1,AVR-CH,Ilić,Milan,M,1970,principal,2010-07-01,RS\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Case.reference).where(Case.legacy_reference == "R1")) == "AVR-CH-2010-10001"


def test_closing_with_money_open_is_refused_and_names_the_grants(office, client, auth):
    grant = helpers.submitted(office)
    auth.login("caseworker")
    case = office.ch_case
    response = client.post(f"/cases/{case.id}/status", data={"status": "closed", "version": case.version})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"#{grant.id} (submitted)" in page and "cannot become closed" in page
    db.session.expire_all()
    assert db.session.get(Case, case.id).status.value == "arrived"


def test_no_new_grant_on_a_closed_case(office, client, auth):
    auth.login("caseworker")
    case = office.ch_case
    client.post(f"/cases/{case.id}/status", data={"status": "closed", "reason": "support_ended",
                                                  "version": case.version})
    db.session.expire_all()
    assert db.session.get(Case, case.id).status.value == "closed"
    response = client.post(f"/cases/{case.id}/grants/new", data={
        "category": "business", "person_id": "0", "plan": "A shop.", "requested_amount": "100"})
    assert response.status_code == 422 and "closed or withdrawn" in response.get_data(as_text=True)


def test_a_beneficiary_who_did_not_travel_is_refused(office, client, auth):
    from casework.cases.services import PersonData, add_person

    stayed = add_person(office.ch_case, PersonData("Petrović", "Baka", "F", 1940, relationship="parent",
                                                   travelled=False))
    db.session.commit()
    auth.login("caseworker")
    response = client.post(f"/cases/{office.ch_case.id}/grants/new", data={
        "category": "medical", "person_id": str(stayed.id), "plan": "Medicine.", "requested_amount": "100"})
    assert response.status_code == 422 and "Baka Petrović did not travel" in response.get_data(as_text=True)


def test_grants_queue_lists_imported_pending_grants(runner, office, tmp_path):
    persons = PERSONS_HEADER + "Q1,AVR-CH,Ilić,Milan,M,1970,principal,2005-01-10,RS\n"
    assert _import(runner, tmp_path, persons).exit_code == 0
    grants = ("case_ref,programme,category,requested_amount,currency,decision\n"
              "Q1,AVR-CH,business,800,CHF,pending\n")
    assert _import(runner, tmp_path, grants, kind="grants").exit_code == 0
    result = runner.invoke(args=["grants", "queue", "--user", "supervisor"])
    assert result.exit_code == 0, result.output
    assert "(legacy)" in result.output and "1 grant(s) awaiting supervisor" in result.output


def test_an_admin_cannot_deactivate_their_own_account(office, client, auth):
    from casework.auth.services import deactivate_user
    from casework.errors import DomainError

    try:
        deactivate_user(office.admin, actor=office.admin)
        raise AssertionError("the service let an admin deactivate themselves")
    except DomainError as error:
        assert "your own account" in error.message
    db.session.rollback()
    auth.login("admin")
    client.post(f"/admin/users/{office.admin.id}/deactivate", data={})
    page = client.get("/admin/users").get_data(as_text=True)
    assert "You cannot deactivate your own account." in page
    db.session.expire_all()
    assert office.admin.is_active
