"""Synthetic caseload at scale: realistic cases, families, grants, decisions and disbursements.

Built for load and benchmark runs (hundreds of thousands of cases), so rows are written in
bulk through the driver, never one ORM object at a time. The synthetic programmes (codes
starting SYN-) keep the demo programmes and their published figures untouched.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from casework.bulk import bulk_insert, next_id, reset_sequence
from casework.cases.models import Case
from casework.demo.data import (
    CYRILLIC_FAMILY_NAMES,
    CYRILLIC_GIVEN,
    FAMILY_NAMES,
    GIVEN_F,
    GIVEN_M,
    MUNICIPALITIES,
)
from casework.errors import DomainError
from casework.extensions import db
from casework.programmes.models import Programme
from casework.search.normalize import search_key, search_key_given_first

PROGRAMMES = [  # code, name, donor, currency, start, decision authority, share of cases
    ("SYN-CH", "Synthetic return programme from Switzerland", "Synthetic donor CH", "CHF", date(2002, 7, 1), "donor", 30),
    ("SYN-DE", "Synthetic return programme from Germany", "Synthetic donor DE", "EUR", date(2003, 1, 1), "office", 30),
    ("SYN-UK", "Synthetic return programme from the UK", "Synthetic donor UK", "GBP", date(2002, 1, 1), "office", 15),
    ("SYN-NL", "Synthetic return programme from the Netherlands", "Synthetic donor NL", "EUR", date(2005, 1, 1), "office", 10),
    ("SYN-SE", "Synthetic return programme from Sweden", "Synthetic donor SE", "SEK", date(2008, 1, 1), "donor", 10),
    ("SYN-AT", "Synthetic return programme from Austria", "Synthetic donor AT", "EUR", date(2010, 1, 1), "office", 5),
]
COUNTRY = {"SYN-CH": "CH", "SYN-DE": "DE", "SYN-UK": "GB", "SYN-NL": "NL", "SYN-SE": "SE", "SYN-AT": "AT"}
LAST_DAY = date(2025, 12, 31)
CATEGORIES = ["business", "housing", "education", "medical", "household", "cash_on_arrival"]
CASE_COLUMNS = ["id", "reference", "legacy_reference", "programme_id", "sending_country", "arrival_date",
                "municipality", "caseworker_id", "status", "notes", "created_at", "updated_at", "version"]
PERSON_COLUMNS = ["id", "case_id", "family_name", "given_name", "sex", "birth_year", "birth_date", "nationality",
                  "relationship", "travelled", "created_at", "updated_at", "version", "search_key",
                  "search_key_given_first"]
GRANT_COLUMNS = ["id", "case_id", "person_id", "category", "plan", "requested_amount", "status", "approved_amount",
                 "decided_on", "legacy_reference", "created_at", "updated_at", "version"]
DECISION_COLUMNS = ["grant_id", "step", "outcome", "amount", "reason", "decided_at", "authority_reference"]
DISBURSEMENT_COLUMNS = ["grant_id", "paid_on", "amount", "mode", "receipt_reference", "recorded_at", "reason"]
CHUNK = 20_000


def _programmes() -> list[tuple[Programme, int]]:
    from casework.programmes.services import create_programme

    existing = {p.code: p for p in db.session.scalars(select(Programme).where(Programme.code.like("SYN-%")))}
    out = []
    for code, name, donor, currency, start, authority, share in PROGRAMMES:
        programme = existing.get(code) or create_programme(code, name, donor, currency, start,
                                                           decision_authority=authority)
        out.append((programme, share))
    db.session.flush()
    return out


def synthesize(cases: int, seed: int = 1, progress=None) -> dict:
    """Add `cases` synthetic cases with their families and grants; commits every chunk."""
    if cases < 1:
        raise DomainError("--cases must be at least 1")
    programmes = _programmes()
    already = db.session.scalar(select(func.count()).select_from(Case).where(
        Case.programme_id.in_([p.id for p, _share in programmes])))
    if already:
        raise DomainError(f"synthetic data is present already ({already:,} cases); use an empty database")
    db.session.commit()
    rng = random.Random(seed)
    conn = db.session.connection()
    ids = {t: next_id(conn, t) for t in ("cases", "persons", "grants")}
    counters: dict[tuple[str, int], int] = {}
    totals = {"cases": 0, "persons": 0, "grants": 0, "decisions": 0, "disbursements": 0}
    weights = [share for _p, share in programmes]
    now = datetime.now(timezone.utc)
    done = 0
    while done < cases:
        n = min(CHUNK, cases - done)
        rows = {"cases": [], "persons": [], "vulns": [], "grants": [], "decisions": [], "disbursements": []}
        for programme, _share in rng.choices(programmes, weights=weights, k=n):
            _one_case(rng, programme, ids, counters, rows, now)
        conn = db.session.connection()
        bulk_insert(conn, "cases", CASE_COLUMNS, rows["cases"])
        bulk_insert(conn, "persons", PERSON_COLUMNS, rows["persons"])
        bulk_insert(conn, "person_vulnerabilities", ["person_id", "code"], rows["vulns"])
        bulk_insert(conn, "grants", GRANT_COLUMNS, rows["grants"])
        bulk_insert(conn, "grant_decisions", DECISION_COLUMNS, rows["decisions"])
        bulk_insert(conn, "disbursements", DISBURSEMENT_COLUMNS, rows["disbursements"])
        db.session.commit()
        for key, name in (("cases", "cases"), ("persons", "persons"), ("grants", "grants"),
                          ("decisions", "decisions"), ("disbursements", "disbursements")):
            totals[name] += len(rows[key])
        done += n
        if progress:
            progress.advance(n)
    conn = db.session.connection()
    for table in ("cases", "persons", "grants", "grant_decisions", "disbursements"):
        reset_sequence(conn, table)
    db.session.commit()
    return totals


def _day(rng, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _one_case(rng, programme, ids, counters, rows, now) -> None:
    returned = rng.random() < 0.95
    arrival = _day(rng, max(programme.start_date, date(2002, 1, 1)), LAST_DAY) if returned else None
    year = arrival.year if arrival else LAST_DAY.year
    key = (programme.code, year)
    counters[key] = counters.get(key, 0) + 1
    case_id = ids["cases"]
    ids["cases"] += 1
    if arrival is None:
        status = rng.choice(["referred", "referred", "withdrawn"])
    elif arrival.year < 2022:
        status = "closed"
    else:
        status = rng.choice(["arrived", "reintegration", "monitoring", "closed"])
    created = datetime.combine(arrival or LAST_DAY, time(9), tzinfo=timezone.utc)
    rows["cases"].append((case_id, f"{programme.code}-{year}-{counters[key]:04d}",
                          f"{COUNTRY[programme.code]}/{year}/{counters[key]:05d}", programme.id,
                          COUNTRY[programme.code], arrival, rng.choice(MUNICIPALITIES), None, status, "",
                          created, created, 1))
    size = rng.choices([1, 2, 3, 4, 5, 6, 7, 8], weights=[34, 18, 18, 15, 8, 4, 2, 1])[0]
    cyrillic = rng.random() < 0.1
    family = rng.choice(CYRILLIC_FAMILY_NAMES if cyrillic else FAMILY_NAMES)
    ref_day = arrival or LAST_DAY
    principal_id = ids["persons"]
    for index in range(size):
        if index == 0:
            relationship, age = "principal", rng.randint(19, 64)
        elif index == 1 and rng.random() < 0.7:
            relationship, age = "spouse", rng.randint(19, 60)
        else:
            relationship = rng.choice(["child", "child", "child", "parent", "sibling"])
            age = {"child": rng.randint(0, 17), "parent": rng.randint(60, 85)}.get(relationship, rng.randint(15, 50))
        sex = rng.choice("FM")
        names = (CYRILLIC_GIVEN[sex] if cyrillic else (GIVEN_F if sex == "F" else GIVEN_M))
        birth_year = ref_day.year - age
        birth_date = None if rng.random() < 0.25 else min(_day(rng, date(birth_year, 1, 1), date(birth_year, 12, 31)),
                                                          ref_day)
        person_id = ids["persons"]
        ids["persons"] += 1
        given = rng.choice(names)
        rows["persons"].append((person_id, case_id, family, given, sex, birth_year, birth_date,
                                "RS" if rng.random() < 0.8 else "XK", relationship,
                                index == 0 or rng.random() > 0.04, created, created, 1,
                                search_key(family, given), search_key_given_first(family, given)))
        if age >= 60:
            rows["vulns"].append((person_id, "older_person"))
        elif rng.random() < 0.06:
            rows["vulns"].append((person_id, rng.choice(["medical", "disability", "trafficking_victim"])))
    if arrival is None or rng.random() > 0.6:
        return
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        _one_grant(rng, programme, case_id, principal_id, arrival, ids, rows, now, size)


def _one_grant(rng, programme, case_id, person_id, arrival, ids, rows, now, size) -> None:
    grant_id = ids["grants"]
    ids["grants"] += 1
    category = rng.choice(CATEGORIES)
    requested = rng.randrange(200, 3000 + 500 * size) * 100  # minor units
    proposed = datetime.combine(arrival + timedelta(days=rng.randint(5, 60)), time(10), tzinfo=timezone.utc)
    decided_on = proposed.date() + timedelta(days=rng.randint(3, 45))
    roll = rng.random()
    if decided_on > LAST_DAY or roll < 0.08:
        outcome, status, approved, decided_on = None, "submitted", None, None
    elif roll < 0.2:
        outcome, status, approved = "rejected", "rejected", None
    else:
        approved = requested if roll < 0.7 else max(100, requested * rng.randint(50, 95) // 100)
        outcome = "approved" if approved == requested else "reduced"
        status = "approved"
    step = "donor" if programme.decision_authority.value == "donor" else "supervisor"
    if outcome:
        rows["decisions"].append((grant_id, step, outcome, approved, "",
                                  datetime.combine(decided_on, time(12), tzinfo=timezone.utc),
                                  "FOM" if step == "donor" else None))
    if approved:
        paid = approved if rng.random() < 0.7 else approved // 2
        paid_on = decided_on + timedelta(days=rng.randint(1, 30))
        if paid_on <= LAST_DAY:
            rows["disbursements"].append((grant_id, paid_on, paid, rng.choice(["cash", "in_kind", "bank_transfer"]),
                                          f"R-{grant_id}", now, ""))
            status = "completed" if paid == approved else "disbursing"
    rows["grants"].append((grant_id, case_id, person_id, category, "", requested, status, approved, decided_on,
                           None, proposed, proposed, 1))
