"""What the grants file means (shared/IMPORT-FORMAT.md): the authority is a name, the submission
date makes a legacy grant count as proposed, and legacy dates follow the workflow."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from casework.extensions import db
from casework.grants.models import Grant, GrantDecision

PERSONS = ("case_ref,programme,family_name,given_name,sex,date_of_birth,relationship,arrival_date\n"
           "G1,AVR-CH,Ilić,Milan,M,1970,principal,2005-01-10\n"
           "G2,AVR-CH,Ilić,Vesna,F,1972,principal,2005-02-10\n")
HEADER = ("case_ref,programme,category,requested_amount,currency,submitted_on,decision,approved_amount,decided_on,"
          "decided_by_authority,disbursed_amount,disbursed_on\n")


def _import(runner, tmp_path, kind, text):
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(text.encode("utf-8"))
    return runner.invoke(args=["import", kind, str(path)])


def test_decided_by_authority_yes_is_refused_and_a_name_is_stored_as_the_authority(runner, office, tmp_path):
    assert _import(runner, tmp_path, "persons", PERSONS).exit_code == 0
    result = _import(runner, tmp_path, "grants", HEADER + "G1,AVR-CH,business,1000,CHF,,approved,1000,2005-03-01,yes,,\n")
    assert result.exit_code != 0
    assert "row 2, column decided_by_authority: 'yes' is not the name of an authority" in result.output
    assert db.session.scalars(select(GrantDecision)).all() == []
    result = _import(runner, tmp_path, "grants", HEADER + "G1,AVR-CH,business,1000,CHF,,approved,1000,2005-03-01,FOM,,\n")
    assert result.exit_code == 0, result.output
    decision = db.session.scalars(select(GrantDecision)).one()
    assert decision.authority_name == "FOM" and decision.authority_reference is None


def test_a_submission_date_makes_imported_grants_count_as_proposed_in_their_period(runner, office, tmp_path):
    from casework.reports.engine import compute_figures
    from casework.reports.periods import Period

    assert _import(runner, tmp_path, "persons", PERSONS).exit_code == 0
    grants = (HEADER
              + "G1,AVR-CH,business,1000,CHF,2005-02-01,approved,1000,2005-03-01,FOM,,\n"
              + "G2,AVR-CH,housing,2000,CHF,15.02.2005,rejected,,2005-04-01,FOM,,\n"
              + "G2,AVR-CH,education,500,CHF,2005-05-01,pending,,,,,\n")
    result = _import(runner, tmp_path, "grants", grants)
    assert result.exit_code == 0, result.output
    assert sorted(g.submitted_at.date() for g in db.session.scalars(select(Grant))) == [
        date(2005, 2, 1), date(2005, 2, 15), date(2005, 5, 1)]
    figures = compute_figures(office.ch, Period(date(2005, 1, 1), date(2005, 12, 31)))
    assert figures.grants["proposed_count"] == 3 and figures.grants["approved_count"] == 1
    assert figures.grants["rejected_count"] == 1 and figures.grants["pending_count"] == 1


def test_legacy_dates_follow_the_workflow(runner, office, tmp_path):
    assert _import(runner, tmp_path, "persons", PERSONS).exit_code == 0
    grants = (HEADER
              + "G1,AVR-CH,business,1000,CHF,2005-04-01,approved,1000,2005-03-01,FOM,,\n"
              + "G2,AVR-CH,business,1000,CHF,,approved,1000,2005-03-01,FOM,500,2005-02-01\n")
    result = _import(runner, tmp_path, "grants", grants)
    assert result.exit_code != 0
    assert "row 2, column decided_on: before the submission date 2005-04-01" in result.output
    assert "row 3, column disbursed_on: before the decision date 2005-03-01" in result.output
    assert db.session.scalars(select(Grant)).all() == []


def test_a_grant_reference_too_long_for_its_column_is_refused_not_cut(runner, office, tmp_path):
    """A grant's legacy reference is its case's and "#n": cut to the column, two could collide."""
    long_ref = "L" * 59  # the case reference fits its 60 characters; "#1" would make 61
    persons = ("case_ref,programme,family_name,given_name,sex,date_of_birth,relationship,arrival_date\n"
               f"{long_ref},AVR-CH,Ilić,Milan,M,1970,principal,2005-01-10\n")
    assert _import(runner, tmp_path, "persons", persons).exit_code == 0
    result = _import(runner, tmp_path, "grants",
                     HEADER + f"{long_ref},AVR-CH,business,1000,CHF,,approved,1000,2005-03-01,FOM,,\n")
    assert result.exit_code != 0
    assert f"the grant's reference {long_ref}#1 is longer than 60 characters" in result.output
    assert db.session.scalars(select(Grant)).all() == []
