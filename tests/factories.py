"""Test data built through the same services the product uses."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from casework.auth.models import Role
from casework.auth.services import create_user
from casework.cases.services import PersonData, register_case
from casework.extensions import db
from casework.programmes.services import create_programme

PASSWORD = "correct horse battery staple"


def programme(code="AVR-CH", *, currency="CHF", start=date(2002, 7, 1), authority="donor", budget=None,
              donor="Swiss Federal Office for Migration", name=None):
    return create_programme(code, name or f"Programme {code}", donor, currency, start,
                            decision_authority=authority, budget=budget)


def user(username, role, programmes=(), password=PASSWORD):
    return create_user(username, Role(role), password, full_name=username.title(), programmes=list(programmes))


def person(family="Petrović", given="Marko", *, sex="M", year=1980, born=None, relationship="principal",
           travelled=True, vulnerabilities=()):
    return PersonData(family_name=family, given_name=given, sex=sex, birth_year=born.year if born else year,
                      birth_date=born, relationship=relationship, travelled=travelled,
                      vulnerabilities=list(vulnerabilities))


def case(programme, *, arrival=date(2010, 5, 1), members=None, municipality="Niš", reference=None, actor=None):
    members = [person()] if members is None else members
    return register_case(programme, {"arrival_date": arrival, "municipality": municipality,
                                     "sending_country": "CH"}, members, actor=actor, reference=reference)


def office():
    """Programmes A (AVR-CH, donor decides) and B (VARRP-UK), and one user per role."""
    ch = programme("AVR-CH")
    uk = programme("VARRP-UK", currency="GBP", start=date(2002, 1, 1), authority="office", donor="UK Home Office")
    o = SimpleNamespace(
        ch=ch,
        uk=uk,
        caseworker=user("caseworker", "caseworker", [ch]),
        caseworker_uk=user("caseworker.uk", "caseworker", [uk]),
        supervisor=user("supervisor", "supervisor", [ch, uk]),
        supervisor2=user("supervisor2", "supervisor", [ch, uk]),
        donor=user("donor.ch", "donor", [ch]),
        donor_uk=user("donor.uk", "donor", [uk]),
        admin=user("admin", "admin"),
    )
    o.ch_case = case(ch, members=[person(), person("Petrović", "Jelena", sex="F", year=1982, relationship="spouse")])
    o.uk_case = case(uk, members=[person("Berisha", "Arben")])
    db.session.commit()
    return o
