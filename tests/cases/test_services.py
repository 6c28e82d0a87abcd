"""The rules for cases, without HTTP."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from casework.cases import services
from casework.cases.models import CaseStatus, Person, Relationship
from casework.errors import Conflict, DomainError
from casework.extensions import db


def test_register_case_with_family_gives_readable_reference(office, factory):
    case = factory.case(office.ch, arrival=date(2003, 4, 2), members=[
        factory.person(), factory.person("Petrović", "Ana", sex="F", year=2001, relationship="child"),
        factory.person("Petrović", "Ivan", relationship="child", year=1999, travelled=False)])
    db.session.commit()
    assert case.reference == "AVR-CH-2003-0001"
    assert case.status == CaseStatus.ARRIVED
    assert [p.relationship for p in case.persons][0] == Relationship.PRINCIPAL
    second = factory.case(office.ch, arrival=date(2003, 9, 9))
    assert second.reference == "AVR-CH-2003-0002"


def test_case_without_arrival_is_referred(office, factory):
    case = factory.case(office.ch, arrival=None)
    assert case.status == CaseStatus.REFERRED
    assert case.reference.startswith(f"AVR-CH-{date.today().year}-")


@pytest.mark.parametrize("members, message", [
    ([], "principal"),
    ([("child", 2001)], "exactly one principal"),
    ([("principal", 1980), ("principal", 1981)], "exactly one principal"),
    ([("principal", 1850)], "year of birth"),
])
def test_register_refuses_bad_families_and_saves_nothing(office, factory, members, message):
    before = db.session.query(Person).count()
    with pytest.raises(DomainError, match=message):
        factory.case(office.ch, members=[factory.person(relationship=r, year=y) for r, y in members])
    db.session.rollback()
    assert db.session.query(Person).count() == before


def test_future_arrival_refused(office, factory):
    with pytest.raises(DomainError, match="future"):
        factory.case(office.ch, arrival=date(2999, 1, 1))


def test_database_enforces_one_principal(office):
    case = office.ch_case
    db.session.add(Person(case_id=case.id, family_name="X", given_name="Y", sex="M", birth_year=1990,
                          relationship=Relationship.PRINCIPAL))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_database_enforces_arrival_date_for_returned_cases(office):
    office.ch_case.arrival_date = None
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


ALL = list(CaseStatus)


@pytest.mark.parametrize("old", ALL)
@pytest.mark.parametrize("new", ALL)
def test_every_status_transition(office, old, new):
    case = office.ch_case
    case.status = old
    case.arrival_date = None if old in services.NOT_RETURNED else date(2010, 5, 1)
    db.session.commit()
    allowed = new in services.CASE_TRANSITIONS[old]
    if allowed:
        services.change_status(case, new, arrival_date=date(2011, 1, 1), reason="support_ended",
                               reason_text="Reopened for a follow-up visit")
        db.session.commit()
        assert case.status == new
        assert (case.arrival_date is None) == (new in services.NOT_RETURNED)
    else:
        with pytest.raises(DomainError, match="cannot become"):
            services.change_status(case, new, arrival_date=date(2011, 1, 1))
        db.session.rollback()
        assert db.session.get(type(case), case.id).status == old


def test_arriving_needs_a_date(office, factory):
    case = factory.case(office.ch, arrival=None)
    with pytest.raises(DomainError, match="arrival date"):
        services.change_status(case, CaseStatus.ARRIVED)


def test_stale_edit_is_refused(office):
    case = office.ch_case
    opened_version = case.version
    services.update_case(case, {"municipality": "Kraljevo"}, expected_version=opened_version)
    db.session.commit()
    with pytest.raises(Conflict):
        services.update_case(case, {"municipality": "Vranje"}, expected_version=opened_version)
    db.session.rollback()
    assert db.session.get(type(case), case.id).municipality == "Kraljevo"


def test_update_person_records_changes(office, factory):
    person = office.ch_case.persons[1]
    data = factory.person("Petrović", "Jelena", sex="F", born=date(1982, 3, 4), relationship="spouse",
                          vulnerabilities=["medical"])
    changes = services.update_person(person, data)
    db.session.commit()
    assert changes["birth_date"] == [None, "1982-03-04"]
    assert changes["vulnerabilities"] == [[], ["medical"]]


def test_second_principal_cannot_be_added(office, factory):
    with pytest.raises(DomainError, match="already has a principal"):
        services.add_person(office.ch_case, factory.person(relationship="principal"))


def test_age_with_year_only_birth(factory, office):
    person = office.ch_case.persons[0]
    person.birth_year, person.birth_date = 1980, None
    assert person.age_on(date(2010, 1, 1)) == 30
    person.birth_date = date(1980, 6, 1)
    assert person.age_on(date(2010, 5, 31)) == 29
    assert person.age_on(date(2010, 6, 1)) == 30


def test_references_go_on_past_9999(office, factory):
    factory.case(office.ch, arrival=date(2011, 3, 1), reference="AVR-CH-2011-9999")
    db.session.commit()
    first = factory.case(office.ch, arrival=date(2011, 4, 1))
    second = factory.case(office.ch, arrival=date(2011, 5, 1))
    db.session.commit()
    assert (first.reference, second.reference) == ("AVR-CH-2011-10000", "AVR-CH-2011-10001")


def test_a_reference_taken_at_the_same_moment_is_retried_with_the_next_one(office, factory, monkeypatch):
    """Two registrations read the same highest reference; the one that saves second runs again."""
    from casework.forms import save

    factory.case(office.ch, arrival=date(2011, 3, 1))  # AVR-CH-2011-0001
    db.session.commit()
    real, calls = services.next_reference, []

    def stale_then_real(programme, year):
        calls.append(year)
        return "AVR-CH-2011-0001" if len(calls) == 1 else real(programme, year)

    monkeypatch.setattr(services, "next_reference", stale_then_real)

    class Form:
        form_errors: list = []

    case, error = save(Form(), lambda: factory.case(office.ch, arrival=date(2011, 6, 1)))
    assert error is None and case.reference == "AVR-CH-2011-0002" and len(calls) == 2
