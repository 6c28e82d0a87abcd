"""The import engine shared by the CLI and the web upload.

Every row is validated before anything is written; one bad row means nothing is imported,
and every bad row is reported (row number, column, reason). Writing uses bulk inserts in
the caller's transaction. Cases are matched by (programme, legacy reference) and grants by
a legacy reference derived from the case and the grant's position in it, so importing the
same file again creates nothing.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import insert, select, text, tuple_

from casework.audit.services import record
from casework.bulk import bulk_insert
from casework.cases.models import Case, CaseStatus, Relationship, Sex, Vulnerability
from casework.cases.services import format_reference, last_reference_number
from casework.cases.validation import case_problems, person_problems
from casework.dates import parse_birth, parse_date
from casework.db import MoneyError, to_money, utcnow
from casework.extensions import db
from casework.grants.models import (
    DecisionOutcome,
    DecisionStep,
    Disbursement,
    DisbursementMode,
    Grant,
    GrantCategory,
    GrantDecision,
    GrantStatus,
)
from casework.imports.models import ImportBatch, import_batch_programmes
from casework.imports.parse import FileError, Limits, checksum, read_table
from casework.programmes.models import Programme

KINDS = ("persons", "grants")
PERSON_COLUMNS = {
    "case_ref": True, "programme": True, "family_name": True, "given_name": True, "sex": True,
    "date_of_birth": True, "relationship": True, "nationality": False, "sending_country": False,
    "arrival_date": False, "municipality": False, "travelled": False, "vulnerabilities": False,
}
GRANT_COLUMNS = {
    "case_ref": True, "programme": True, "category": True, "requested_amount": True, "currency": True,
    "submitted_on": False, "decision": True, "approved_amount": False, "decided_on": False, "decided_by_authority": False,
    "disbursed_amount": False, "disbursed_on": False,
}
BATCH = 1000


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        column = f", column {self.column}" if self.column else ""
        return f"row {self.row}{column}: {self.message}"


@dataclass
class ImportResult:
    kind: str
    file_name: str
    checksum: str
    dry_run: bool
    rows: int = 0
    cases: int = 0
    persons: int = 0
    grants: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    batch_id: int | None = None
    # Likely duplicates of already recorded persons, found in a dry run: a warning, not an error.
    warnings: list[RowError] = field(default_factory=list)
    programme_ids: set[int] = field(default_factory=set)  # the programmes the file's rows name

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verb = "would create" if self.dry_run else "created"
        if self.kind == "persons":
            made = f"{self.cases} cases and {self.persons} persons"
        else:
            made = f"{self.grants} grants"
        text = f"{self.file_name}: {self.rows} rows; {verb} {made}"
        if self.skipped:
            text += f"; {self.skipped} rows already imported"
        return text + "."


class ImportRefused(Exception):
    """A file with bad rows (or refused as a whole) is not imported: raised so that whoever runs
    the import rolls back; `result` holds every problem found."""

    def __init__(self, result: ImportResult):
        super().__init__(f"{len(result.errors)} problems in {result.file_name}")
        self.result = result


class _Rows:
    """Collects row errors while converting one row's values."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        self.bad = False
        self.number = 0

    def start(self, number: int):
        self.number, self.bad, self.failed = number, False, set()

    def fail(self, column: str, message: str):
        self.bad = True
        self.failed.add(column)
        self.errors.append(RowError(self.number, column, message))


def _check_header(header: list[str], columns: dict, errors: list[RowError]) -> bool:
    ok = True
    seen = set()
    for name in header:
        if name not in columns:
            errors.append(RowError(1, name or "(empty)", _("unknown column")))
            ok = False
        elif name in seen:
            errors.append(RowError(1, name, _("column given twice")))
            ok = False
        seen.add(name)
    for name, required in columns.items():
        if required and name not in seen:
            errors.append(RowError(1, name, _("required column missing")))
            ok = False
    return ok


def _programmes(allowed_programme_ids) -> dict[str, Programme]:
    programmes = {p.code.upper(): p for p in db.session.scalars(select(Programme))}
    if allowed_programme_ids is not None:
        programmes = {c: p for c, p in programmes.items() if p.id in allowed_programme_ids}
    return programmes


def _required(r: _Rows, values: dict, column: str) -> str:
    value = values.get(column, "")
    if not value:
        r.fail(column, _("required"))
    return value


def _date_value(r: _Rows, values: dict, column: str, today: date) -> date | None:
    text = values.get(column, "")
    if not text:
        return None
    parsed = parse_date(text)
    if parsed is None:
        r.fail(column, _("'%(v)s' is not a date (YYYY-MM-DD or DD.MM.YYYY)", v=text))
    elif parsed > today:
        r.fail(column, _("the date is in the future"))
    return parsed


def _programme_value(r: _Rows, values: dict, programmes: dict) -> Programme | None:
    code = _required(r, values, "programme")
    if code and code.upper() not in programmes:
        r.fail("programme", _("no programme with code %(c)s (or not yours)", c=code))
    return programmes.get(code.upper())


def _read(data: bytes, file_name: str, kind: str, columns: dict, result: ImportResult, limits: Limits):
    try:
        table = read_table(data, file_name, limits)
    except (FileError, UnicodeDecodeError) as error:
        result.errors.append(RowError(1, "", str(error)))
        return None
    if not _check_header(table.header, columns, result.errors):
        return None
    return table


def _refuse_file(result: ImportResult, error: FileError) -> None:
    """The file as a whole is refused (found while reading its rows): that alone is reported."""
    result.errors[:] = [RowError(1, "", str(error))]
    result.rows = 0


def import_file(kind: str, data: bytes, file_name: str, *, user=None, dry_run: bool = False,
                allowed_programme_ids=None, progress=None, today: date | None = None,
                limits: Limits | None = None) -> ImportResult:
    """Validate a file and, unless dry_run or any row is bad, import it (flush, no commit).

    `limits` bound what is read (rows, and an XLSX's unpacked size, parts and declared size);
    by default the application's IMPORT_* settings."""
    if kind not in KINDS:
        raise ValueError(kind)
    if limits is None:
        from flask import current_app

        limits = Limits.from_config(current_app.config)
    result = ImportResult(kind=kind, file_name=file_name, checksum=checksum(data), dry_run=dry_run)
    today = today or date.today()
    if kind == "persons":
        _import_persons(data, result, allowed_programme_ids, today, progress, limits)
    else:
        _import_grants(data, result, allowed_programme_ids, today, progress, limits)
    if result.errors or dry_run:
        return result
    batch = ImportBatch(kind=kind, file_name=file_name[:255], checksum=result.checksum,
                        user_id=user.id if user else None, username=user.username if user else None,
                        rows=result.rows, cases_created=result.cases, persons_created=result.persons,
                        grants_created=result.grants, rows_skipped=result.skipped)
    db.session.add(batch)
    db.session.flush()
    if result.programme_ids:
        db.session.execute(insert(import_batch_programmes),
                           [{"batch_id": batch.id, "programme_id": pid} for pid in sorted(result.programme_ids)])
    result.batch_id = batch.id
    record("import_completed", user=user, entity=batch, summary=result.summary(),
           changes={"checksum": result.checksum, "cases": result.cases, "persons": result.persons,
                    "grants": result.grants, "skipped": result.skipped})
    return result


def import_or_refuse(kind: str, data: bytes, file_name: str, **options) -> ImportResult:
    """import_file that raises ImportRefused when any row is bad, for run_in_transaction."""
    result = import_file(kind, data, file_name, **options)
    if not result.ok:
        raise ImportRefused(result)
    return result


# --- persons ---------------------------------------------------------------------------

_SEXES = {s.value: s for s in Sex}
_RELATIONSHIPS = {r.value: r for r in Relationship}
_VULNERABILITIES = {v.value: v for v in Vulnerability}
_PERSON_COLUMNS_BY_FIELD = {"family_name": "family_name", "given_name": "given_name", "birth": "date_of_birth",
                            "nationality": "nationality"}
_CASE_COLUMNS_BY_FIELD = {"arrival_date": "arrival_date", "sending_country": "sending_country",
                          "municipality": "municipality", "legacy_reference": "case_ref"}


def _person_row(r: _Rows, values: dict, programmes: dict, today: date) -> dict | None:
    if "" in values:
        r.fail("", values[""])
        return None
    case_ref = _required(r, values, "case_ref")
    programme = _programme_value(r, values, programmes)
    family = " ".join(_required(r, values, "family_name").split())
    given = " ".join(_required(r, values, "given_name").split())
    sex = _SEXES.get(_required(r, values, "sex").upper())
    if sex is None and values.get("sex"):
        r.fail("sex", _("'%(v)s' is not F, M or X", v=values["sex"]))
    birth_text = _required(r, values, "date_of_birth")
    birth = parse_birth(birth_text) if birth_text else None
    if birth_text and birth is None:
        r.fail("date_of_birth", _("'%(v)s' is not a date or a year", v=birth_text))
    relationship = _RELATIONSHIPS.get(_required(r, values, "relationship").lower())
    if relationship is None and values.get("relationship"):
        r.fail("relationship", _("'%(v)s' is not one of %(all)s", v=values["relationship"],
                                  all=", ".join(_RELATIONSHIPS)))
    nationality = values.get("nationality", "").upper() or None
    country = values.get("sending_country", "").upper() or None
    arrival = _date_value(r, values, "arrival_date", today)
    travelled_text = values.get("travelled", "").lower()
    if travelled_text not in ("", "yes", "no"):
        r.fail("travelled", _("'%(v)s' is not yes or no", v=values["travelled"]))
    codes = []
    for code in filter(None, (c.strip().lower() for c in values.get("vulnerabilities", "").split(";"))):
        if code not in _VULNERABILITIES:
            r.fail("vulnerabilities", _("'%(v)s' is not a vulnerability code", v=code))
        elif _VULNERABILITIES[code] not in codes:
            codes.append(_VULNERABILITIES[code])
    municipality = " ".join(values.get("municipality", "").split()) or None
    person = {"family_name": family, "given_name": given, "birth_year": birth[0] if birth else None,
              "birth_date": birth[1] if birth else None, "nationality": nationality,
              "travelled": travelled_text != "no"}
    # The same rules as the web forms and the command line, for what was readable above.
    problems = [(_PERSON_COLUMNS_BY_FIELD[p.field], p) for p in person_problems(person, arrival=arrival, today=today)]
    problems += [(_CASE_COLUMNS_BY_FIELD[p.field], p) for p in case_problems(
        {"arrival_date": arrival, "sending_country": country, "municipality": municipality,
         "legacy_reference": case_ref}, programme, today)]
    for column, problem in problems:
        if values.get(column) and column not in r.failed:
            r.fail(column, problem.message)
    if r.bad:
        return None
    return {
        "row": r.number, "case_ref": case_ref, "programme": programme, "family_name": family,
        "given_name": given, "sex": sex, "birth_year": birth[0], "birth_date": birth[1],
        "relationship": relationship, "nationality": nationality, "sending_country": country,
        "arrival_date": arrival, "municipality": municipality, "travelled": travelled_text != "no",
        "vulnerabilities": codes,
    }


def _existing_case_ids(keys) -> dict[tuple[int, str], int]:
    """{(programme_id, legacy_reference): case id} for those keys that exist already."""
    found = {}
    keys = list(keys)
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        stmt = select(Case.programme_id, Case.legacy_reference, Case.id).where(
            tuple_(Case.programme_id, Case.legacy_reference).in_(chunk))
        for programme_id, legacy, case_id in db.session.execute(stmt):
            found[(programme_id, legacy)] = case_id
    return found


def _import_persons(data, result, allowed_programme_ids, today, progress, limits):
    table = _read(data, result.file_name, "persons", PERSON_COLUMNS, result, limits)
    if table is None:
        return
    programmes = _programmes(allowed_programme_ids)
    r = _Rows(result.errors)
    cases: dict[tuple[int, str], list[dict]] = defaultdict(list)
    try:
        for number, values in table.rows:
            result.rows += 1
            r.start(number)
            row = _person_row(r, values, programmes, today)
            if row is not None:
                cases[(row["programme"].id, row["case_ref"])].append(row)
    except FileError as error:
        _refuse_file(result, error)
        return
    result.programme_ids = {programme_id for programme_id, _ref in cases}
    for members in cases.values():
        principals = [m for m in members if m["relationship"] == Relationship.PRINCIPAL]
        if not principals:
            result.errors.append(RowError(members[0]["row"], "relationship",
                                          _("case %(c)s has no principal applicant", c=members[0]["case_ref"])))
        for extra in principals[1:]:
            result.errors.append(RowError(extra["row"], "relationship",
                                          _("case %(c)s has a principal applicant already (row %(r)d)",
                                            c=extra["case_ref"], r=principals[0]["row"])))
        first = members[0]
        for m in members[1:]:
            if m["arrival_date"] != first["arrival_date"]:
                result.errors.append(RowError(m["row"], "arrival_date",
                                              _("differs from row %(r)d of the same case", r=first["row"])))
    result.errors.sort(key=lambda e: (e.row, e.column))
    if result.errors:
        return
    existing = _existing_case_ids(cases)
    new_cases = {key: members for key, members in cases.items() if key not in existing}
    result.skipped = sum(len(m) for key, m in cases.items() if key in existing)
    result.cases = len(new_cases)
    result.persons = sum(len(m) for m in new_cases.values())
    if result.dry_run:
        result.warnings = _duplicate_warnings(new_cases)
    if result.dry_run or not new_cases:
        return
    if progress is not None:
        progress.total = result.persons
    _write_persons(new_cases, programmes, progress)


def _duplicate_warnings(new_cases: dict) -> list[RowError]:
    """Rows whose person looks already recorded in the same programme (same normalised name, compatible birth).

    One query per thousand names (likely_duplicates_many), not one per row."""
    from casework.search.services import likely_duplicates_many

    people = [(programme_id, m) for (programme_id, _ref), members in new_cases.items() for m in members]
    found = likely_duplicates_many(
        [(m["family_name"], m["given_name"], m["birth_year"], m["birth_date"], programme_id)
         for programme_id, m in people], limit=3)
    warnings = []
    for (_programme_id, m), earlier_ones in zip(people, found, strict=True):
        for earlier in earlier_ones:
            warnings.append(RowError(m["row"], "family_name", _(
                "possibly the same person as %(name)s, born %(birth)s, in case %(ref)s",
                name=earlier.full_name, birth=earlier.birth_display, ref=earlier.case.reference)))
    return sorted(warnings, key=lambda w: w.row)


def _reference_counters(keys_by_programme_year) -> dict[tuple[int, int], int]:
    return {(programme.id, year): last_reference_number(programme.code, year)
            for (programme, year) in keys_by_programme_year}


def _allocate_ids(table: str, n: int) -> list[int]:
    """Ids for n new rows: from the table's sequence on PostgreSQL, after the largest id on SQLite
    (whose single writer makes that safe: a concurrent write would fail the transaction, not collide)."""
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        return list(conn.execute(text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                                      "FROM generate_series(1, :n)"), {"n": n}).scalars())
    start = (conn.execute(text(f"SELECT MAX(id) FROM {table}")).scalar() or 0) + 1
    return list(range(start, start + n))


CASE_TABLE_COLUMNS = ["id", "reference", "legacy_reference", "programme_id", "sending_country", "arrival_date",
                "municipality", "caseworker_id", "status", "notes", "created_at", "updated_at", "version"]
from casework.search.normalize import search_key, search_key_given_first  # noqa: E402

PERSON_TABLE_COLUMNS = ["id", "case_id", "family_name", "given_name", "sex", "birth_year", "birth_date", "nationality",
                  "relationship", "travelled", "created_at", "updated_at", "version", "search_key",
                  "search_key_given_first"]


def _write_persons(new_cases: dict, programmes: dict, progress) -> None:
    """Bulk writes through the driver (executemany, COPY on PostgreSQL): the file's rows are
    validated already, and an import of a hundred thousand rows must not take minutes."""
    now = utcnow()
    by_id = {p.id: p for p in programmes.values()}
    years = {(by_id[pid], (members[0]["arrival_date"] or now.date()).year)
             for (pid, _ref), members in new_cases.items()}
    counters = _reference_counters(years)
    items = list(new_cases.items())
    case_ids = iter(_allocate_ids("cases", len(items)))
    person_ids = iter(_allocate_ids("persons", sum(len(m) for _k, m in items)))
    for start in range(0, len(items), BATCH * 10):
        chunk = items[start:start + BATCH * 10]
        case_rows, person_rows, vulnerability_rows = [], [], []
        for (programme_id, case_ref), members in chunk:
            first = members[0]
            arrival = first["arrival_date"]
            programme = by_id[programme_id]
            year = (arrival or now.date()).year
            counters[(programme_id, year)] += 1
            case_id = next(case_ids)
            case_rows.append((
                case_id, format_reference(programme.code, year, counters[(programme_id, year)]), case_ref, programme_id,
                next((m["sending_country"] for m in members if m["sending_country"]), None), arrival,
                next((m["municipality"] for m in members if m["municipality"]), None), None,
                (CaseStatus.ARRIVED if arrival else CaseStatus.REFERRED).value, "", now, now, 1))
            for m in members:
                person_id = next(person_ids)
                person_rows.append((person_id, case_id, m["family_name"], m["given_name"], m["sex"].value,
                                    m["birth_year"], m["birth_date"], m["nationality"], m["relationship"].value,
                                    m["travelled"], now, now, 1,
                                    search_key(m["family_name"], m["given_name"]),
                                    search_key_given_first(m["family_name"], m["given_name"])))
                vulnerability_rows += [(person_id, code.value) for code in m["vulnerabilities"]]
        conn = db.session.connection()
        bulk_insert(conn, "cases", CASE_TABLE_COLUMNS, case_rows)
        bulk_insert(conn, "persons", PERSON_TABLE_COLUMNS, person_rows)
        bulk_insert(conn, "person_vulnerabilities", ["person_id", "code"], vulnerability_rows)
        if progress:
            progress.advance(len(person_rows))


# --- grants ----------------------------------------------------------------------------

_CATEGORIES = {c.value: c for c in GrantCategory}
_DECISIONS = ("approved", "rejected", "pending")
# decided_by_authority names who decided; these say only whether someone did.
_NOT_A_NAME = {"yes", "no", "y", "n", "true", "false", "1", "0", "x", "da", "ne"}


def _noon(day: date | None) -> datetime | None:
    return datetime.combine(day, time(12), tzinfo=UTC) if day else None


def _amount(r: _Rows, values: dict, column: str) -> Decimal | None:
    text = values.get(column, "")
    if not text:
        return None
    try:
        amount = to_money(text)
    except MoneyError as error:
        r.fail(column, _("'%(v)s' is not an amount (%(why)s)", v=text, why=str(error)))
        return None
    if amount <= 0:
        r.fail(column, _("must be more than zero"))
        return None
    return amount


def _grant_row(r: _Rows, values: dict, programmes: dict, today: date) -> dict | None:
    if "" in values:
        r.fail("", values[""])
        return None
    case_ref = _required(r, values, "case_ref")
    programme = _programme_value(r, values, programmes)
    category = _CATEGORIES.get(_required(r, values, "category").lower())
    if category is None and values.get("category"):
        r.fail("category", _("'%(v)s' is not one of %(all)s", v=values["category"], all=", ".join(_CATEGORIES)))
    requested = _amount(r, values, "requested_amount")
    if requested is None and not values.get("requested_amount"):
        r.fail("requested_amount", _("required"))
    currency = _required(r, values, "currency").upper()
    if currency and programme and currency != programme.currency:
        r.fail("currency", _("%(c)s is not the programme's currency (%(p)s)", c=currency, p=programme.currency))
    decision = _required(r, values, "decision").lower()
    if decision and decision not in _DECISIONS:
        r.fail("decision", _("'%(v)s' is not approved, rejected or pending", v=values["decision"]))
    approved = _amount(r, values, "approved_amount")
    if decision == "approved" and approved is None and not values.get("approved_amount"):
        r.fail("approved_amount", _("required when the decision is approved"))
    if decision != "approved" and values.get("approved_amount"):
        r.fail("approved_amount", _("only with an approved decision"))
    if approved is not None and requested is not None and approved > requested:
        r.fail("approved_amount", _("more than the requested amount"))
    decided_on = _date_value(r, values, "decided_on", today)
    if decision in ("approved", "rejected") and not values.get("decided_on"):
        r.fail("decided_on", _("required when the decision is %(d)s", d=decision))
    disbursed = _amount(r, values, "disbursed_amount")
    disbursed_on = _date_value(r, values, "disbursed_on", today)
    if values.get("disbursed_amount"):
        if decision != "approved":
            r.fail("disbursed_amount", _("only for an approved grant"))
        elif disbursed is not None and approved is not None and disbursed > approved:
            r.fail("disbursed_amount", _("more than the approved amount"))
        if not values.get("disbursed_on"):
            r.fail("disbursed_on", _("required with a disbursed amount"))
    elif values.get("disbursed_on"):
        r.fail("disbursed_amount", _("required with a disbursement date"))
    authority = " ".join(values.get("decided_by_authority", "").split()) or None
    if authority and authority.lower() in _NOT_A_NAME:
        r.fail("decided_by_authority", _("'%(v)s' is not the name of an authority (e.g. FOM)", v=authority))
    elif authority and len(authority) > 100:
        r.fail("decided_by_authority", _("longer than 100 characters"))
    if authority and decision == "pending":
        r.fail("decided_by_authority", _("only with an approved or rejected decision"))
    submitted_on = _date_value(r, values, "submitted_on", today)
    # Legacy dates follow the workflow too: proposed, then decided, then paid.
    if submitted_on and decided_on and decided_on < submitted_on:
        r.fail("decided_on", _("before the submission date %(d)s", d=submitted_on.isoformat()))
    if decided_on and disbursed_on and disbursed_on < decided_on:
        r.fail("disbursed_on", _("before the decision date %(d)s", d=decided_on.isoformat()))
    if r.bad:
        return None
    return {"row": r.number, "case_ref": case_ref, "programme": programme, "category": category,
            "requested": requested, "decision": decision, "approved": approved, "decided_on": decided_on,
            "authority": authority, "disbursed": disbursed, "disbursed_on": disbursed_on,
            "submitted_on": submitted_on}


# A grant's legacy reference is its case's followed by "#n", in a column of this size.
GRANT_REFERENCE_LIMIT = 60


def _import_grants(data, result, allowed_programme_ids, today, progress, limits):
    table = _read(data, result.file_name, "grants", GRANT_COLUMNS, result, limits)
    if table is None:
        return
    programmes = _programmes(allowed_programme_ids)
    r = _Rows(result.errors)
    rows = []
    try:
        for number, values in table.rows:
            result.rows += 1
            r.start(number)
            row = _grant_row(r, values, programmes, today)
            if row is not None:
                rows.append(row)
    except FileError as error:
        _refuse_file(result, error)
        return
    result.programme_ids = {row["programme"].id for row in rows}
    case_ids = _existing_case_ids({(row["programme"].id, row["case_ref"]) for row in rows})
    ordinal: dict[tuple[int, str], int] = defaultdict(int)
    for row in rows:
        key = (row["programme"].id, row["case_ref"])
        if key not in case_ids:
            result.errors.append(RowError(row["row"], "case_ref", _("no case %(c)s in %(p)s; import its persons first",
                                                                    c=row["case_ref"], p=row["programme"].code)))
            continue
        ordinal[key] += 1
        row["case_id"] = case_ids[key]
        row["legacy_reference"] = f"{row['case_ref']}#{ordinal[key]}"
        if len(row["legacy_reference"]) > GRANT_REFERENCE_LIMIT:  # refused, never cut: cut ones could collide
            result.errors.append(RowError(row["row"], "case_ref", _(
                "the grant's reference %(ref)s is longer than %(n)d characters; shorten the case reference",
                ref=row["legacy_reference"], n=GRANT_REFERENCE_LIMIT)))
    result.errors.sort(key=lambda e: (e.row, e.column))
    if result.errors:
        return
    existing = set()
    ids = sorted({row["case_id"] for row in rows})
    for start in range(0, len(ids), 500):
        stmt = select(Grant.case_id, Grant.legacy_reference).where(Grant.case_id.in_(ids[start:start + 500]),
                                                                 Grant.legacy_reference.is_not(None))
        existing.update(tuple(row) for row in db.session.execute(stmt))
    new = [row for row in rows if (row["case_id"], row["legacy_reference"]) not in existing]
    result.skipped = len(rows) - len(new)
    result.grants = len(new)
    if not result.dry_run and new:
        if progress is not None:
            progress.total = len(new)
        _write_grants(new, progress)


def _status(row) -> GrantStatus:
    if row["decision"] == "rejected":
        return GrantStatus.REJECTED
    if row["decision"] == "pending":
        return GrantStatus.SUBMITTED
    if row["disbursed"] is None:
        return GrantStatus.APPROVED
    return GrantStatus.COMPLETED if row["disbursed"] == row["approved"] else GrantStatus.DISBURSING


def _write_grants(rows: list[dict], progress) -> None:
    now = utcnow()
    grants_table = Grant.__table__
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        grant_rows = [{
            "case_id": row["case_id"], "person_id": None, "category": row["category"].value, "plan": "",
            "requested_amount": row["requested"], "status": _status(row).value,
            "approved_amount": row["approved"], "decided_on": row["decided_on"] if row["decision"] != "pending" else None,
            "legacy_reference": row["legacy_reference"], "created_at": now, "updated_at": now, "version": 1,
            # With its submission date a legacy grant counts as proposed in that period.
            "submitted_at": _noon(row["submitted_on"]),
        } for row in chunk]
        ids = db.session.execute(
            insert(grants_table).returning(grants_table.c.id, sort_by_parameter_order=True), grant_rows
        ).scalars().all()
        decisions, disbursements = [], []
        for grant_id, row in zip(ids, chunk):
            if row["decision"] != "pending":
                outcome = DecisionOutcome.REJECTED
                if row["decision"] == "approved":
                    outcome = DecisionOutcome.APPROVED if row["approved"] == row["requested"] else DecisionOutcome.REDUCED
                decisions.append({
                    "grant_id": grant_id,
                    "step": (DecisionStep.DONOR if row["programme"].donor_decides else DecisionStep.SUPERVISOR).value,
                    "outcome": outcome.value, "amount": row["approved"], "reason": "",
                    "decided_at": _noon(row["decided_on"]),
                    "authority_reference": None, "authority_letter_date": None,
                    "authority_name": row["authority"],
                })
            if row["disbursed"] is not None:
                disbursements.append({
                    "grant_id": grant_id, "paid_on": row["disbursed_on"], "amount": row["disbursed"],
                    "mode": DisbursementMode.CASH.value, "receipt_reference": "legacy import",
                    "recorded_at": now,
                })
        if decisions:
            db.session.execute(insert(GrantDecision.__table__), decisions)
        if disbursements:
            db.session.execute(insert(Disbursement.__table__), disbursements)
        if progress:
            progress.advance(len(chunk))


def batches(programme_ids=None, limit: int = 50) -> list[ImportBatch]:
    """The latest imports; with `programme_ids`, only those whose rows all lie in these programmes
    (an import that touched another programme, or recorded none, is not shown)."""
    from sqlalchemy import exists

    stmt = select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)
    if programme_ids is not None:
        link = import_batch_programmes.c
        stmt = stmt.where(
            exists().where(link.batch_id == ImportBatch.id),
            ~exists().where(link.batch_id == ImportBatch.id, link.programme_id.not_in(list(programme_ids) or [-1])))
    return db.session.scalars(stmt).all()
