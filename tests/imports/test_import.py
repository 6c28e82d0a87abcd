"""Importing legacy persons and grants files: exact figures, every bad row named, nothing half-done."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, select

from casework.audit.models import AuditEvent
from casework.cases.models import Case, Person, PersonVulnerability
from casework.extensions import db
from casework.grants.models import Disbursement, Grant, GrantDecision
from casework.imports.models import ImportBatch

# Written by hand as an office would keep it: BOM, CRLF, free column order, Cyrillic,
# DD.MM.YYYY and year-only dates, a member who did not travel, an extra space here and there.
PERSONS = (
    "\ufeffProgramme,Case_Ref ,family_name,given_name,sex,date_of_birth,relationship,arrival_date,"
    "municipality,travelled,vulnerabilities,nationality,sending_country\r\n"
    "AVR-CH,CH/2003/001,Petrović,Marko,m,1971,principal,15.03.2003,Niš,,,RS,CH\r\n"
    "AVR-CH,CH/2003/001,Petrović,Jelena,F,02.11.1974,spouse,15.03.2003,Niš,yes,medical,SRB,CH\r\n"
    "AVR-CH,CH/2003/001,Petrović,Ana,F,2001-05-20,child,2003-03-15,Niš,YES,,RS,CH\r\n"
    "AVR-CH,CH/2003/001,Petrović,Dragan,M,1940,parent,15.03.2003,Niš,no,older_person,RS,CH\r\n"
    "\r\n"
    "AVR-CH,CH/2004/007,Ђорђевић,Љиљана,F,1980,principal,01.07.2004,Kraljevo,,single_parent;medical,RS,CH\r\n"
    "AVR-CH,CH/2004/007,Ђорђевић,Ђорђе,M,12.12.2002,child,01.07.2004,Kraljevo,,,RS,CH\r\n"
    "AVR-CH,CH/2012/003, Berisha ,Arben,M,1985,principal,10.02.2012,Preševo,,,XK,CH\r\n"
    "AVR-CH,CH/2013/001,Gashi,Besa,F,1990,principal,,,,,XK,CH\r\n"
)
GRANTS = (
    "case_ref,programme,category,requested_amount,currency,decision,approved_amount,decided_on,"
    "decided_by_authority,disbursed_amount,disbursed_on\r\n"
    "CH/2003/001,AVR-CH,business,3000,CHF,approved,2500.50,20.05.2003,FOM,2000,2003-06-01\r\n"
    "CH/2003/001,AVR-CH,household,1000.00,chf,approved,1000,2003-05-20,FOM,,\r\n"
    "CH/2004/007,AVR-CH,housing,5000,CHF,rejected,,10.09.2004,FOM,,\r\n"
    "CH/2004/007,AVR-CH,education,800,CHF,pending,,,,,\r\n"
    "CH/2012/003,AVR-CH,cash_on_arrival,500,CHF,approved,500,2012-02-10,,500,10.02.2012\r\n"
)


def _invoke(runner, tmp_path, kind, text, *extra, encoding="utf-8", name=None):
    path = tmp_path / (name or f"{kind}.csv")
    path.write_bytes(text.encode(encoding))
    return runner.invoke(args=["import", kind, str(path), *extra])


def _figures(programme_id, start, end):
    """The donor-report counting rules, written out by hand."""
    assisted = and_(Case.programme_id == programme_id, Case.arrival_date >= start, Case.arrival_date <= end)
    cases = db.session.scalar(select(func.count()).select_from(Case).where(assisted))
    persons = db.session.scalar(select(func.count()).select_from(Person).join(Case)
                                .where(assisted, Person.travelled.is_(True)))
    in_grants = and_(Case.programme_id == programme_id, Grant.decided_on >= start, Grant.decided_on <= end)
    approved = db.session.execute(select(func.count(), func.sum(Grant.approved_amount)).select_from(Grant)
                                  .join(Case).where(in_grants, Grant.approved_amount.is_not(None))).one()
    disbursed = db.session.scalar(select(func.sum(Disbursement.amount)).select_from(Disbursement).join(Grant)
                                  .join(Case).where(Case.programme_id == programme_id,
                                                    Disbursement.paid_on >= start, Disbursement.paid_on <= end))
    return cases, persons, approved[0], approved[1], disbursed


def test_hand_written_files_import_and_report_totals_match(runner, office, tmp_path):
    result = _invoke(runner, tmp_path, "persons", PERSONS)
    assert result.exit_code == 0, result.output
    assert "created 4 cases and 8 persons" in result.output
    result = _invoke(runner, tmp_path, "grants", GRANTS)
    assert result.exit_code == 0, result.output
    assert "created 5 grants" in result.output

    # By hand: 2002-07-01..2011-12-31 holds CH/2003/001 (3 of 4 travelled) and CH/2004/007 (2),
    # plus the office fixture's case (2 persons, 2010); 2012 and the not-yet-returned case are outside.
    assert _figures(office.ch.id, date(2002, 7, 1), date(2011, 12, 31)) == (
        3, 7, 2, Decimal("3500.50"), Decimal("2000.00"))
    assert _figures(office.ch.id, date(2012, 1, 1), date(2012, 12, 31)) == (1, 1, 1, Decimal("500.00"),
                                                                           Decimal("500.00"))

    # The figures engine of the donor reports gives the same totals.
    from casework.reports.engine import compute_figures
    from casework.reports.periods import Period

    figures = compute_figures(office.ch, Period(date(2002, 7, 1), date(2011, 12, 31)))
    assert (figures.cases, figures.persons) == (3, 7)
    assert figures.by_sex == {"F": 4, "M": 3, "X": 0}  # Jelena, Ana, Љиљана, Marko, Ђорђе + the fixture's couple
    assert figures.by_age_group == {"0-17": 2, "18-59": 5, "60+": 0}  # the grandfather did not travel
    assert figures.by_vulnerability == {"medical": 2, "single_parent": 1}
    assert (figures.grants["approved_count"], figures.grants["approved_amount"]) == (2, Decimal("3500.50"))
    assert (figures.grants["rejected_count"], figures.grants["disbursed_amount"]) == (1, Decimal("2000.00"))
    # Pending at the period's end: the education grant, and the 2012 grant (the file gives no
    # proposal date, so nothing says it was not yet proposed by then).
    assert figures.grants["pending_count"] == 2

    case = db.session.scalar(select(Case).where(Case.legacy_reference == "CH/2004/007"))
    assert case.reference == "AVR-CH-2004-0001" and case.municipality == "Kraljevo"
    assert [(p.family_name, p.given_name, p.birth_year, p.birth_date) for p in case.persons] == [
        ("Ђорђевић", "Љиљана", 1980, None), ("Ђорђевић", "Ђорђе", 2002, date(2002, 12, 12))]
    assert [v.value for v in case.persons[0].vulnerabilities] == ["medical", "single_parent"]
    grandfather = db.session.scalar(select(Person).where(Person.given_name == "Dragan"))
    assert grandfather.travelled is False and grandfather.birth_date is None
    berisha = db.session.scalar(select(Person).where(Person.given_name == "Arben", Person.case_id != office.uk_case.id))
    assert berisha.family_name == "Berisha" and berisha.nationality == "XK"
    not_returned = db.session.scalar(select(Case).where(Case.legacy_reference == "CH/2013/001"))
    assert not_returned.arrival_date is None and not_returned.status.value == "referred"

    reduced = db.session.scalar(select(Grant).where(Grant.requested_amount == Decimal("3000")))
    assert reduced.approved_amount == Decimal("2500.50") and reduced.status.value == "disbursing"
    assert [(d.outcome.value, d.step.value, d.authority_name, d.authority_reference) for d in reduced.decisions] \
        == [("reduced", "donor", "FOM", None)]
    pending = db.session.scalar(select(Grant).where(Grant.category == "education"))
    assert pending.decided_on is None and pending.decisions == []

    batches = db.session.scalars(select(ImportBatch).order_by(ImportBatch.id)).all()
    assert [(b.kind, b.file_name, b.rows, b.cases_created, b.persons_created, b.grants_created) for b in batches] == [
        ("persons", "persons.csv", 8, 4, 8, 0), ("grants", "grants.csv", 5, 0, 0, 5)]
    assert len(batches[0].checksum) == 64
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "import_completed")) == 2


def test_same_files_twice_change_nothing(runner, office, tmp_path):
    assert _invoke(runner, tmp_path, "persons", PERSONS).exit_code == 0
    assert _invoke(runner, tmp_path, "grants", GRANTS).exit_code == 0
    counts = [db.session.scalar(select(func.count()).select_from(m)) for m in
              (Case, Person, PersonVulnerability, Grant, GrantDecision, Disbursement)]
    again = _invoke(runner, tmp_path, "persons", PERSONS)
    assert again.exit_code == 0 and "created 0 cases and 0 persons; 8 rows already imported" in again.output
    again = _invoke(runner, tmp_path, "grants", GRANTS)
    assert again.exit_code == 0 and "created 0 grants; 5 rows already imported" in again.output
    assert counts == [db.session.scalar(select(func.count()).select_from(m)) for m in
                      (Case, Person, PersonVulnerability, Grant, GrantDecision, Disbursement)]


def test_six_defects_import_nothing_and_name_every_row(runner, office, tmp_path):
    bad = (
        "case_ref,programme,family_name,given_name,sex,date_of_birth,relationship,arrival_date,vulnerabilities\n"
        "A1,AVR-CH,Ilić,Milan,M,1970,principal,2005-01-10,\n"      # 2 good
        "A2,NOPE,Ilić,Vesna,F,1972,principal,2005-01-10,\n"        # 3 unknown programme
        "A3,AVR-CH,Ilić,Ana,Q,1999,principal,2005-01-10,\n"        # 4 bad sex
        "A4,AVR-CH,,Goran,M,1960,principal,2005-01-10,\n"          # 5 missing family name
        "A5,AVR-CH,Ilić,Zoran,M,31.02.1970,principal,2005-01-10,\n"  # 6 impossible date
        "A1,AVR-CH,Ilić,Nenad,M,1975,principal,2005-01-10,\n"      # 7 second principal of A1
        "A6,AVR-CH,Ilić,Mira,F,1980,principal,2005-01-10,sick\n"   # 8 unknown vulnerability
    )
    errors_file = tmp_path / "errors.csv"
    result = _invoke(runner, tmp_path, "persons", bad, "--errors", str(errors_file))
    assert result.exit_code != 0
    assert "6 bad rows" in result.output and "nothing was imported" in result.output
    for expected in ("row 3, column programme", "row 4, column sex", "row 5, column family_name",
                     "row 6, column date_of_birth", "row 7, column relationship", "row 8, column vulnerabilities"):
        assert expected in result.output
    rows = list(csv.reader(io.StringIO(errors_file.read_text())))
    assert rows[0] == ["row", "column", "error"] and [r[0] for r in rows[1:]] == ["3", "4", "5", "6", "7", "8"]
    assert db.session.scalar(select(func.count()).select_from(Case).where(Case.legacy_reference.is_not(None))) == 0
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_dry_run_writes_nothing(runner, office, tmp_path):
    before = db.session.scalar(select(func.count()).select_from(Person))
    result = _invoke(runner, tmp_path, "persons", PERSONS, "--dry-run")
    assert result.exit_code == 0 and "would create 4 cases and 8 persons" in result.output
    assert db.session.scalar(select(func.count()).select_from(Person)) == before
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_windows_1250_file_keeps_its_diacritics(runner, office, tmp_path):
    text = (
        "case_ref,programme,family_name,given_name,sex,date_of_birth,relationship,arrival_date\r\n"
        "W1,AVR-CH,Šećerović,Đurđa,F,1975,principal,03.04.2006\r\n"
        "W1,AVR-CH,Šećerović,Željko,M,1973,spouse,03.04.2006\r\n")
    result = _invoke(runner, tmp_path, "persons", text, encoding="cp1250")
    assert result.exit_code == 0, result.output
    names = set(db.session.execute(select(Person.family_name, Person.given_name)
                                   .join(Case).where(Case.legacy_reference == "W1")).all())
    assert {tuple(n) for n in names} == {("Šećerović", "Đurđa"), ("Šećerović", "Željko")}


def test_xlsx_file_imports(runner, office, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["relationship", "case_ref", "programme", "family_name", "given_name", "sex", "date_of_birth",
               "arrival_date"])
    ws.append(["principal", "X1", "AVR-CH", "Hodžić", "Edin", "M", 1969, date(2007, 5, 3)])
    ws.append([None] * 8)
    ws.append(["child", "X1", "AVR-CH", "Hodžić", "Azra", "F", "05.06.2000", "03.05.2007"])
    path = tmp_path / "legacy.xlsx"
    wb.save(path)
    result = runner.invoke(args=["import", "persons", str(path)])
    assert result.exit_code == 0, result.output
    case = db.session.scalar(select(Case).where(Case.legacy_reference == "X1"))
    assert case.arrival_date == date(2007, 5, 3)
    assert [(p.given_name, p.birth_year, p.birth_date) for p in case.persons] == [
        ("Edin", 1969, None), ("Azra", 2000, date(2000, 6, 5))]


def test_header_and_grant_errors(runner, office, tmp_path):
    result = _invoke(runner, tmp_path, "persons", "case_ref,programme,family_name,colour\nA,AVR-CH,X,red\n")
    assert result.exit_code != 0
    assert "row 1, column colour: unknown column" in result.output
    assert "row 1, column given_name: required column missing" in result.output
    assert _invoke(runner, tmp_path, "persons", PERSONS).exit_code == 0
    bad = (
        "case_ref,programme,category,requested_amount,currency,decision,approved_amount,decided_on,"
        "disbursed_amount,disbursed_on\n"
        "CH/2003/001,AVR-CH,business,100,GBP,approved,100,2003-05-01,,\n"
        "CH/2003/001,AVR-CH,business,100,CHF,approved,150,2003-05-01,,\n"
        "CH/2003/001,AVR-CH,business,100.001,CHF,pending,,,,\n"
        "CH/2003/001,AVR-CH,business,100,CHF,approved,100,2003-05-01,120,2003-06-01\n"
        "NOPE/1,AVR-CH,business,100,CHF,rejected,,2003-05-01,,\n"
        "CH/2003/001,AVR-CH,business,100,CHF,approved,100,,,\n"
    )
    result = _invoke(runner, tmp_path, "grants", bad)
    assert result.exit_code != 0
    for expected in ("row 2, column currency", "row 3, column approved_amount", "row 4, column requested_amount",
                     "row 5, column disbursed_amount", "row 6, column case_ref", "row 7, column decided_on"):
        assert expected in result.output
    assert db.session.scalar(select(func.count()).select_from(Grant)) == 0
