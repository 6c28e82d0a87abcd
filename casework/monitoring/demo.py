"""Demo monitoring: each demo programme's schedules (dated like its caps), the visits its cases are
due, and the visits recorded with plan progress, grant checks and the survey rounds, through the
same services as the screens. A visit is dated after the arrival and never in the future; a grant
is checked once it is paid; a couple of grants were "not as planned" and await the supervisor."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from casework.auth.services import find_user
from casework.cases.models import Case, CaseStatus
from casework.extensions import db
from casework.grants.models import Grant
from casework.monitoring import services
from casework.monitoring.models import GrantUse
from casework.plans.models import ItemStatus

SEED = 2002
# (from, months): AVR-CH visits on site after the grant is paid, then (from 2010) about 8 months and
# about 3 years after return; VARRP-UK reviewed at six months before a further tranche.
SCHEDULES = {
    "AVR-CH": [(date(2008, 1, 1), "3,6,12"), (date(2010, 1, 1), "3,8,36")],
    "VARRP-UK": [(date(2005, 1, 1), "6"), (date(2008, 1, 1), "3,6,12")],
}
MISSED = 0.08  # a scheduled visit that was never made
LATE = 0.12  # a visit made weeks after its date
FLAGS, RESOLVED = 3, 1  # "not as planned" findings on open AVR-CH cases; the supervisor dealt with one
NOTES = {
    "home": ["The family has settled in the house; the children go to school.",
             "Met the family at home; the household's basic needs are covered.",
             "The repairs are finished; the family lives in the house again."],
    "phone": ["Phone call: the returnee reports that things are going as planned.",
              "Phone call: the returnee asked about help with the children's documents."],
    "office": ["Office meeting: went through the plan and the receipts.",
               "Office meeting: the returnee brought the certificates of the course."],
}
USED_FOR = {"business": "Bought the equipment listed in the plan; the workshop is open.",
            "housing": "Building material bought and used for the roof and the windows.",
            "education": "Course fees paid; the returnee attends the course.",
            "medical": "Treatment paid; the returnee goes to the check-ups.",
            "household": "Furniture and a stove bought for the household.",
            "cash_on_arrival": "Spent on food and rent in the first weeks."}
PARTLY = "Part of the equipment bought; the rest is planned for next month."
NOT_AS_PLANNED = "The money paid off a family debt instead of the equipment in the plan."
FOLLOW_UP = "Ask the returnee for the receipts of what was bought"
RESOLUTION = "Agreed with the returnee to buy the equipment from the business's first income; checked at the next visit."


def _plan_visits(rng, case, caseworker, closes: bool) -> list[dict]:
    """The values of the visits made on a case, from the scheduled ones that fell due, in order."""
    from casework.plans.services import plan_of
    from casework.surveys.demo import SURVEYS_FROM, answers_for, instrument_version, surveyed

    today = date.today()
    scheduled = services.schedule_visits(case, actor=caseworker)
    plan = plan_of(case)
    items = sorted(plan.items, key=lambda i: i.id) if plan else []
    grants = services.checkable_grants(case)
    paid_on = {g.id: min((d.paid_on for d in g.disbursements), default=None) for g in grants}
    settled: set[int] = set()  # grants whose use was seen (used, partly or not as planned)
    done: set[int] = set()  # items a visit saw finished
    version = instrument_version() if case.arrival_date >= SURVEYS_FROM else None
    travelled = sorted((p for p in case.persons if p.travelled), key=lambda p: (p.relationship != "principal", p.id))
    planned, last = [], case.arrival_date
    for visit in scheduled:
        # Most visits are made within ten days of their date; some weeks late.
        delay = rng.randint(-10, 10) if rng.random() >= LATE else rng.randint(15, 60)
        visited_on = max(visit.due_on + timedelta(days=delay), last + timedelta(days=1))
        if visited_on > today or rng.random() < MISSED:
            continue
        last = visited_on
        kind = rng.choices(["home", "phone", "office"], weights=[60, 25, 15])[0]
        met = travelled[:1] + ([p for p in travelled[1:] if rng.random() < 0.6] if kind == "home" else [])
        findings = {}
        for item in items:
            if item.status == ItemStatus.DROPPED or item.id in done:
                continue
            if item.status == ItemStatus.IN_PROGRESS and not closes and rng.random() < 0.3:
                findings[item.id] = {"status": "done", "comment": "Seen finished at the visit."}
                done.add(item.id)
            else:
                findings[item.id] = {"status": item.status.value,
                                     "comment": "Going as planned." if item.status != ItemStatus.DONE
                                     else "Still in use; nothing more needed."}
        checks = {}
        for grant in grants:
            if grant.id in settled or paid_on[grant.id] is None or paid_on[grant.id] > visited_on:
                continue
            use = rng.choices(["as_planned", "partly", "not_yet"], weights=[75, 12, 13])[0]
            checks[grant.id] = {"use": use, "what_was_done": {"as_planned": USED_FOR[grant.category.value],
                                                             "partly": PARTLY, "not_yet": ""}[use],
                                "handover_confirmed": use != "not_yet" and rng.random() < 0.9}
            if use != "not_yet":
                settled.add(grant.id)
        survey = {}
        if version is not None:
            survey = {"version_id": version.id, "answers": {
                p.id: answers_for(rng, version, p, visit.months) for p in met
                if surveyed(p, version, visited_on) and rng.random() < 0.85}}
        planned.append({"visited_on": visited_on, "kind": kind, "visited_by": caseworker.full_name,
                        "member_ids": [p.id for p in met], "scheduled_visit_id": visit.id,
                        "notes": rng.choice(NOTES[kind]), "items": findings, "grants": checks,
                        "survey": survey})
    return planned


def _flag(rng, candidates: list[dict]) -> list[tuple[dict, int]]:
    """Turn a few first checks of paid grants into "not as planned" findings with a next step."""
    chosen = rng.sample(candidates, min(FLAGS, len(candidates)))
    flagged = []
    for values in chosen:
        grant_id = min(values["grants"])
        values["grants"][grant_id] = {"use": GrantUse.NOT_AS_PLANNED.value, "what_was_done": NOT_AS_PLANNED,
                                      "handover_confirmed": True}
        values["follow_ups"] = [{"title": FOLLOW_UP, "due_on": values["visited_on"] + timedelta(days=14)}]
        flagged.append((values, grant_id))
    return flagged


def add_demo_monitoring(programmes: dict, loaded: list, closing) -> None:
    """Schedules, scheduled visits and recorded visits for the demo cases of AVR-CH and VARRP-UK, once."""
    supervisor = find_user("supervisor")
    for code, caseworker_name in (("AVR-CH", "caseworker"), ("VARRP-UK", "caseworker.uk")):
        programme, caseworker = programmes.get(code), find_user(caseworker_name)
        if programme is None or caseworker is None or supervisor is None or services.schedules_of(programme):
            continue
        for valid_from, months in SCHEDULES[code]:
            services.set_schedule(programme, valid_from, months, actor=supervisor)
        rng = random.Random(f"{SEED}-monitoring-{code}")
        cases = db.session.scalars(select(Case).where(Case.programme_id == programme.id,
                                                      Case.arrival_date.is_not(None),
                                                      Case.status.not_in([CaseStatus.CLOSED, CaseStatus.WITHDRAWN]))
                                   .order_by(Case.arrival_date, Case.id)).all()
        planned = [(case, _plan_visits(rng, case, caseworker, case in closing)) for case in cases]
        flagged = []
        if code == "AVR-CH":
            flagged = _flag(rng, [v for case, visits in planned if case not in closing for v in visits
                                  if v["grants"]])
        count = 0
        for case, visits in planned:
            for values in visits:
                visit = services.record_visit(case, values, actor=caseworker)
                closing.happened(case, visit.visited_on)
                count += 1
        for _values, grant_id in flagged[:RESOLVED]:
            check = services.open_flags_of(db.session.get(Grant, grant_id))[0]
            services.resolve_flag(check, RESOLUTION, actor=supervisor)
        loaded.append(f"{code}: {len(services.schedules_of(programme))} monitoring schedules, {count} visits")
