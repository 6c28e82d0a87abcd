"""Synthetic caseload at scale: realistic cases, families, grants, decisions and disbursements,
plans, monitoring visits (with their schedules, tasks and grant checks) and sustainability surveys.

Built for load and benchmark runs (hundreds of thousands of cases), so rows are written in
bulk through the driver, never one ORM object at a time. The synthetic programmes (codes
starting SYN-) keep the demo programmes and their published figures untouched.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
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
from casework.monitoring.services import add_months
from casework.programmes.models import Programme
from casework.search.normalize import search_key, search_key_given_first
from casework.surveys.services import round_code, rounded, score_answers
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
                "municipality", "caseworker_id", "status", "notes", "created_at", "updated_at", "version",
                "plan_approved_at", "referrals_awaiting"]
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
# Monitoring: every programme visits at 3, 6 and 12 months from its start; SYN-CH and SYN-SE moved to
# about 8 months and 3 years for the cases arriving from 2016 (a schedule is dated like a cap).
SCHEDULES = {"SYN-CH": [(None, "3,6,12"), (date(2016, 1, 1), "3,8,36")],
             "SYN-SE": [(None, "3,6,12"), (date(2016, 1, 1), "3,8,36")]}
DEFAULT_SCHEDULE = [(None, "3,6,12")]
SURVEYS_FROM = date(2016, 1, 1)  # the returnees arriving from then answer the survey
VISIT_COLUMNS = ["id", "case_id", "visited_on", "kind", "visited_by", "notes", "recorded_by_id", "recorded_at"]
SCHEDULED_COLUMNS = ["id", "case_id", "schedule_id", "months", "due_on", "visit_id"]
VISIT_TASK_COLUMNS = TASK_COLUMNS + ["closed_at"]
GRANT_CHECK_COLUMNS = ["visit_id", "grant_id", "use", "what_was_done", "handover_confirmed", "flagged",
                       "resolved_at", "resolution"]
SURVEY_COLUMNS = ["case_id", "person_id", "instrument_id", "version_id", "round", "taken_on", "answers",
                  "economic_score", "social_score", "psychosocial_score", "composite_score", "recorded_at"]
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
    """Add `cases` synthetic cases with their families, grants, plans, visits and surveys; each chunk is a
    transaction of its own."""
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
    monitoring = run_in_transaction(lambda: _monitoring([p for p, _share in programmes]))
    rng = random.Random(seed)
    # Visits and surveys draw from a generator of their own: the rest comes out as it did before them.
    mrng = random.Random(f"{seed}-monitoring")
    providers = _providers()
    conn = db.session.connection()
    ids = {t: next_id(conn, t) for t in ("cases", "persons", "grants", "reintegration_plans", "plan_items",
                                          "scheduled_visits", "monitoring_visits")}
    ids["providers"] = providers
    counters: dict[tuple[str, int], int] = {}
    totals = {"cases": 0, "persons": 0, "grants": 0, "decisions": 0, "disbursements": 0, "plans": 0,
              "plan items": 0, "notes": 0, "tasks": 0, "referrals": 0, "scheduled visits": 0, "visits": 0,
              "grant checks": 0, "surveys": 0}
    weights = [share for _p, share in programmes]
    now = datetime.now(UTC)
    done = 0
    while done < cases:
        n = min(CHUNK, cases - done)
        rows = {"cases": [], "persons": [], "vulns": [], "grants": [], "decisions": [], "disbursements": [],
                "plans": [], "items": [], "notes": [], "tasks": [], "referrals": [], "scheduled": [],
                "visits": [], "members": [], "visit_tasks": [], "checks": [], "surveys": []}
        for programme, _share in rng.choices(programmes, weights=weights, k=n):
            _one_case(rng, programme, ids, counters, rows, now, mrng, monitoring)
        run_in_transaction(lambda rows=rows: _write_chunk(rows))
        for key, name in (("cases", "cases"), ("persons", "persons"), ("grants", "grants"),
                          ("decisions", "decisions"), ("disbursements", "disbursements"), ("plans", "plans"),
                          ("items", "plan items"), ("notes", "notes"), ("tasks", "tasks"),
                          ("visit_tasks", "tasks"), ("referrals", "referrals"), ("scheduled", "scheduled visits"),
                          ("visits", "visits"), ("checks", "grant checks"), ("surveys", "surveys")):
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
    bulk_insert(conn, "monitoring_visits", VISIT_COLUMNS, rows["visits"])
    bulk_insert(conn, "monitoring_visit_members", ["visit_id", "person_id"], rows["members"])
    bulk_insert(conn, "scheduled_visits", SCHEDULED_COLUMNS, rows["scheduled"])
    bulk_insert(conn, "tasks", VISIT_TASK_COLUMNS, rows["visit_tasks"])
    bulk_insert(conn, "monitoring_grant_checks", GRANT_CHECK_COLUMNS, rows["checks"])
    bulk_insert(conn, "survey_responses", SURVEY_COLUMNS, rows["surveys"])


def _reset_sequences() -> None:
    conn = db.session.connection()
    for table in ("cases", "persons", "grants", "grant_decisions", "disbursements", "reintegration_plans",
                  "plan_items", "case_notes", "tasks", "referrals", "scheduled_visits", "monitoring_visits",
                  "monitoring_grant_checks", "survey_responses"):
        reset_sequence(conn, table)


def _day(rng, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _one_case(rng, programme, ids, counters, rows, now, mrng, monitoring) -> None:
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
                          created, created, 1, None, 0))  # the plan's approval and referrals: set by _one_plan
    size = rng.choices([1, 2, 3, 4, 5, 6, 7, 8], weights=[34, 18, 18, 15, 8, 4, 2, 1])[0]
    cyrillic = rng.random() < 0.1
    family = rng.choice(CYRILLIC_FAMILY_NAMES if cyrillic else FAMILY_NAMES)
    ref_day = arrival or LAST_DAY
    principal_id, spouse_id = ids["persons"], None
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
        if relationship == "spouse":
            spouse_id = person_id
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
    paid = []
    if rng.random() <= 0.6:
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            paid.append(_one_grant(rng, programme, case_id, principal_id, arrival, ids, rows, now, size))
    monitoring.visits(mrng, programme.id, case_id, (principal_id, spouse_id), arrival, status,
                      [g for g in paid if g[1] is not None], ids, rows, created)


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
    awaiting = 0
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
            awaiting += answered is None
    case_row = rows["cases"][-1]  # this case's, written just before its plan
    rows["cases"][-1] = (*case_row[:-2], approved_at, awaiting)
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


def _one_grant(rng, programme, case_id, person_id, arrival, ids, rows, now, size) -> tuple[int, date | None]:
    """A grant with its decision and payment; (its id, the day it was first paid or None)."""
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
    first_paid = None
    if approved:
        paid = approved if rng.random() < 0.7 else approved // 2
        paid_on = decided_on + timedelta(days=rng.randint(1, 30))
        if paid_on <= LAST_DAY:
            rows["disbursements"].append((grant_id, paid_on, paid, rng.choice(["cash", "in_kind", "bank_transfer"]),
                                          f"R-{grant_id}", now, ""))
            status = "completed" if paid == approved else "disbursing"
            first_paid = paid_on
    rows["grants"].append((grant_id, case_id, person_id, category, "", requested, status, approved, decided_on,
                           None, proposed, proposed, 1))
    return grant_id, first_paid


def _monitoring(programmes: list[Programme]) -> _Monitoring:
    """Each synthetic programme's schedules (set through the monitoring service when it has none) and
    the survey instrument (the shipped example, loaded through the surveys service when missing)."""
    from casework.monitoring import services as monitoring
    from casework.surveys.demo import instrument_version

    schedules = {}
    for programme in programmes:
        if not monitoring.schedules_of(programme):
            for valid_from, months in SCHEDULES.get(programme.code, DEFAULT_SCHEDULE):
                monitoring.set_schedule(programme, valid_from or programme.start_date, months)
        schedules[programme.id] = [(s.valid_from, s.id, s.intervals)
                                   for s in reversed(monitoring.schedules_of(programme))]
    months = {m for found in schedules.values() for _f, _id, intervals in found for m in intervals}
    version = instrument_version()
    return _Monitoring(schedules=schedules, titles={m: monitoring.stored_title(m) for m in months},
                       instrument_id=version.instrument_id, version_id=version.id, definition=version.definition,
                       end=min(LAST_DAY, date.today()))


@dataclass
class _Monitoring:
    """What the synthetic visits and surveys need, read once: each programme's schedules (latest
    first), the visit tasks' titles, the survey instrument's version, and the scores of the answer
    sets met so far (an instrument has few)."""

    schedules: dict[int, list[tuple[date, int, list[int]]]]
    titles: dict[int, str]
    instrument_id: int
    version_id: int
    definition: dict
    end: date
    scored: dict = field(default_factory=dict)

    def schedule(self, programme_id: int, arrival: date):
        return next(((sid, months) for valid_from, sid, months in self.schedules[programme_id]
                     if valid_from <= arrival), None)

    def survey(self, rng, case_id: int, person_id: int, label: str, day: date, level: float) -> tuple:

        chosen = []
        for question in self.definition["questions"]:
            target = level + rng.uniform(-0.25, 0.25)
            chosen.append(min(question["options"], key=lambda o: abs(float(o["score"]) - target))["code"])
        key = tuple(chosen)
        if key not in self.scored:
            answers = dict(zip((q["code"] for q in self.definition["questions"]), chosen))
            scores = score_answers(self.definition, answers)
            self.scored[key] = (json.dumps(answers), *(int(rounded(scores[d]) * 10000) for d in
                                                      ("economic", "social", "psychosocial", "composite")))
        return (case_id, person_id, self.instrument_id, self.version_id, label, day, *self.scored[key],
                datetime.combine(day, time(17), tzinfo=UTC))

    def visits(self, rng, programme_id, case_id, adults, arrival, status, paid, ids, rows, created) -> None:
        """A case's scheduled visits and their tasks, the visits made (not in the future, after the
        arrival), the paid grants checked at them and the surveys of the adults met."""
        found = self.schedule(programme_id, arrival)
        if found is None:
            return
        schedule_id, intervals = found
        principal_id, spouse_id = adults
        surveyed = arrival >= SURVEYS_FROM and rng.random() < 0.85
        start, course = rng.uniform(0.15, 0.6), rng.choice([0.45, 0.35, 0.3, 0.2, 0.1, -0.15])
        if surveyed and arrival + timedelta(days=20) <= self.end:
            day = arrival + timedelta(days=rng.randint(3, 20))
            for person_id in filter(None, adults):
                rows["surveys"].append(self.survey(rng, case_id, person_id, round_code(0), day, start))
        unchecked, last = list(paid), arrival
        for months in intervals:
            scheduled_id = ids["scheduled_visits"]
            ids["scheduled_visits"] += 1
            due = add_months(arrival, months)
            delay = rng.randint(-10, 10) if rng.random() >= 0.12 else rng.randint(15, 60)
            day = max(due + timedelta(days=delay), last + timedelta(days=1))
            visit_id = None
            if day <= self.end and rng.random() >= 0.08:
                visit_id, last = ids["monitoring_visits"], day
                ids["monitoring_visits"] += 1
                kind = rng.choices(["home", "phone", "office"], weights=[60, 25, 15])[0]
                rows["visits"].append((visit_id, case_id, day, kind, "Synthetic field officer", "", None,
                                       datetime.combine(day, time(16), tzinfo=UTC)))
                met = [principal_id] + ([spouse_id] if spouse_id and kind == "home" and rng.random() < 0.6 else [])
                rows["members"].extend((visit_id, person_id) for person_id in met)
                for grant_id, paid_on in [g for g in unchecked if g[1] <= day]:
                    self._check(rng, visit_id, grant_id, day, status, rows)
                    unchecked.remove((grant_id, paid_on))
                if surveyed:
                    level = min(1.0, max(0.0, start + course * min(months, 24) / 24))
                    rows["surveys"].extend(self.survey(rng, case_id, person_id, round_code(months), day, level)
                                           for person_id in met if rng.random() < 0.85)
            rows["scheduled"].append((scheduled_id, case_id, schedule_id, months, due, visit_id))
            if visit_id is not None:
                task_status, closed_at = "done", datetime.combine(last, time(16), tzinfo=UTC)
            else:
                task_status, closed_at = ("cancelled", created) if status == "closed" else ("open", None)
            rows["visit_tasks"].append((case_id, self.titles[months], due, task_status, "monitoring_visit",
                                        scheduled_id, created, 1, closed_at))

    def _check(self, rng, visit_id, grant_id, day, status, rows) -> None:
        roll = rng.random()
        if roll < 0.02:  # "not as planned": a supervisor dealt with it on the cases since closed
            resolved = (datetime.combine(min(day + timedelta(days=20), self.end), time(12), tzinfo=UTC)
                        if status == "closed" else None)
            rows["checks"].append((visit_id, grant_id, "not_as_planned", "Used for another purpose than the plan.",
                                   True, True, resolved, "Agreed a repayment plan." if resolved else ""))
            return
        use = "as_planned" if roll < 0.85 else "partly"
        rows["checks"].append((visit_id, grant_id, use, "", rng.random() < 0.9, False, None, ""))

