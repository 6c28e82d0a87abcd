"""Synthetic caseload at scale: realistic cases, families, grants, decisions and disbursements.

Built for load and benchmark runs (hundreds of thousands of cases), so rows are written in
bulk through the driver, never one ORM object at a time. The synthetic programmes (codes
starting SYN-) keep the demo programmes and their published figures untouched.
"""
from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

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
from casework.transactions import run_in_transaction

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
PLAN_COLUMNS = ["id", "case_id", "status", "number", "approved_number", "submitted_at", "approved_at", "created_at",
                "updated_at", "version"]
ITEM_COLUMNS = ["id", "plan_id", "person_id", "dimension", "item_type", "goal", "baseline", "provider_kind",
                "estimated_cost", "target_date", "status", "drop_reason", "approved_number", "created_at",
                "updated_at"]
NOTE_COLUMNS = ["case_id", "kind", "noted_on", "text", "is_sensitive", "created_at", "updated_at", "version"]
TASK_COLUMNS = ["case_id", "title", "due_on", "status", "origin_kind", "origin_id", "created_at", "version"]
REFERRAL_COLUMNS = ["plan_item_id", "case_id", "provider_id", "status", "consent_person_id", "consent_on", "sent_on",
                    "answered_on", "feedback", "created_at", "updated_at", "version"]
ITEM_TYPES = [("economic", "micro_business"), ("economic", "job_placement"), ("social", "housing"),
              ("social", "education"), ("immediate", "basic_needs"), ("psychosocial", "psychosocial_family")]
SYN_PROVIDERS = [("Synthetic social work centre", "public"), ("Synthetic employment service", "public"),
                 ("Synthetic support NGO", "ngo")]
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
    """Add `cases` synthetic cases with their families and grants; each chunk is a transaction of its own."""
    if cases < 1:
        raise DomainError("--cases must be at least 1")

    def start():
        programmes = _programmes()
        already = db.session.scalar(select(func.count()).select_from(Case).where(
            Case.programme_id.in_([p.id for p, _share in programmes])))
        if already:
            raise DomainError(f"synthetic data is present already ({already:,} cases); use an empty database")
        return programmes

    programmes = run_in_transaction(start)
    rng = random.Random(seed)
    providers = _providers()
    conn = db.session.connection()
    ids = {t: next_id(conn, t) for t in ("cases", "persons", "grants", "reintegration_plans", "plan_items")}
    ids["providers"] = providers
    counters: dict[tuple[str, int], int] = {}
    totals = {"cases": 0, "persons": 0, "grants": 0, "decisions": 0, "disbursements": 0, "plans": 0,
              "plan items": 0, "notes": 0, "tasks": 0, "referrals": 0}
    weights = [share for _p, share in programmes]
    now = datetime.now(UTC)
    done = 0
    while done < cases:
        n = min(CHUNK, cases - done)
        rows = {"cases": [], "persons": [], "vulns": [], "grants": [], "decisions": [], "disbursements": [],
                "plans": [], "items": [], "notes": [], "tasks": [], "referrals": []}
        for programme, _share in rng.choices(programmes, weights=weights, k=n):
            _one_case(rng, programme, ids, counters, rows, now)
        run_in_transaction(lambda rows=rows: _write_chunk(rows))
        for key, name in (("cases", "cases"), ("persons", "persons"), ("grants", "grants"),
                          ("decisions", "decisions"), ("disbursements", "disbursements"), ("plans", "plans"),
                          ("items", "plan items"), ("notes", "notes"), ("tasks", "tasks"),
                          ("referrals", "referrals")):
            totals[name] += len(rows[key])
        done += n
        if progress:
            progress.advance(n)
    run_in_transaction(_reset_sequences)
    return totals


def _write_chunk(rows: dict) -> None:
    conn = db.session.connection()
    bulk_insert(conn, "cases", CASE_COLUMNS, rows["cases"])
    bulk_insert(conn, "persons", PERSON_COLUMNS, rows["persons"])
    bulk_insert(conn, "person_vulnerabilities", ["person_id", "code"], rows["vulns"])
    bulk_insert(conn, "grants", GRANT_COLUMNS, rows["grants"])
    bulk_insert(conn, "grant_decisions", DECISION_COLUMNS, rows["decisions"])
    bulk_insert(conn, "disbursements", DISBURSEMENT_COLUMNS, rows["disbursements"])
    bulk_insert(conn, "reintegration_plans", PLAN_COLUMNS, rows["plans"])
    bulk_insert(conn, "plan_items", ITEM_COLUMNS, rows["items"])
    bulk_insert(conn, "case_notes", NOTE_COLUMNS, rows["notes"])
    bulk_insert(conn, "tasks", TASK_COLUMNS, rows["tasks"])
    bulk_insert(conn, "referrals", REFERRAL_COLUMNS, rows["referrals"])


def _reset_sequences() -> None:
    conn = db.session.connection()
    for table in ("cases", "persons", "grants", "grant_decisions", "disbursements", "reintegration_plans",
                  "plan_items", "case_notes", "tasks", "referrals"):
        reset_sequence(conn, table)


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
    created = datetime.combine(arrival or LAST_DAY, time(9), tzinfo=UTC)
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
    if arrival is None:
        return
    _one_plan(rng, case_id, principal_id, arrival, status, ids, rows, created)
    if rng.random() > 0.6:
        return
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        _one_grant(rng, programme, case_id, principal_id, arrival, ids, rows, now, size)


def _one_plan(rng, case_id, principal_id, arrival, status, ids, rows, created) -> None:
    """A plan (approved for most cases), its items, a referral or none, notes and the open tasks."""
    due = arrival + timedelta(days=30)
    if status == "arrived" and rng.random() < 0.5:
        rows["tasks"].append((case_id, "Write the reintegration plan", due, "open", "plan_due", case_id, created, 1))
        return
    plan_id = ids["reintegration_plans"]
    ids["reintegration_plans"] += 1
    approved_at = datetime.combine(arrival + timedelta(days=rng.randint(10, 40)), time(11), tzinfo=UTC)
    rows["plans"].append((plan_id, case_id, "approved", 1, 1, approved_at - timedelta(days=3), approved_at, created,
                          approved_at, 1))
    for _ in range(rng.randint(1, 3)):
        item_id = ids["plan_items"]
        ids["plan_items"] += 1
        dimension, item_type = rng.choice(ITEM_TYPES)
        referral = item_type in ("job_placement", "psychosocial_family")
        target = approved_at.date() + timedelta(days=rng.randint(30, 240))
        item_status = "done" if status == "closed" else rng.choice(["planned", "in_progress", "done"])
        rows["items"].append((item_id, plan_id, None, dimension, item_type, "Synthetic plan item", "",
                              "referral" if referral else "office", rng.randrange(100, 3000) * 100, target,
                              item_status, "", 1, approved_at, approved_at))
        if item_status != "done":
            rows["tasks"].append((case_id, "Plan item due: Synthetic plan item", target, "open", "plan_item", item_id,
                                  approved_at, 1))
        if referral:
            sent = approved_at.date() + timedelta(days=rng.randint(1, 20))
            answered = sent + timedelta(days=rng.randint(2, 30)) if rng.random() < 0.8 else None
            rows["referrals"].append((item_id, case_id, rng.choice(ids["providers"]),
                                      rng.choice(["accepted", "refused", "done"]) if answered else "sent",
                                      principal_id, sent, sent, answered, "", approved_at, approved_at, 1))
    for k in range(rng.randint(0, 2)):
        day = approved_at.date() + timedelta(days=30 * (k + 1))
        rows["notes"].append((case_id, rng.choice(["visit", "phone_call", "office_meeting"]), day,
                              "Synthetic follow-up note.", False, created, created, 1))


def _providers() -> list[int]:
    from casework.referrals.models import ServiceProvider
    from casework.referrals.services import create_provider

    have = {p.name: p.id for p in db.session.scalars(select(ServiceProvider).where(
        ServiceProvider.name.like("Synthetic %")))}
    for name, kind in SYN_PROVIDERS:
        if name not in have:
            have[name] = create_provider({"name": name, "provider_type": kind, "services": "Synthetic services"}).id
    return list(have.values())


def _one_grant(rng, programme, case_id, person_id, arrival, ids, rows, now, size) -> None:
    grant_id = ids["grants"]
    ids["grants"] += 1
    category = rng.choice(CATEGORIES)
    requested = rng.randrange(200, 3000 + 500 * size) * 100  # minor units
    proposed = datetime.combine(arrival + timedelta(days=rng.randint(5, 60)), time(10), tzinfo=UTC)
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
                                  datetime.combine(decided_on, time(12), tzinfo=UTC),
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
