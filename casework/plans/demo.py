"""Demo reintegration: plans (approved by a second person), service providers, referrals with consent,
dated notes and follow-up tasks for the demo cases, through the same services as the screens."""
from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from casework.auth.services import find_user
from casework.cases.models import Case, CaseStatus
from casework.extensions import db
from casework.grants.models import Grant, GrantStatus
from casework.plans import services
from casework.plans.models import ItemStatus, ReintegrationPlan

SEED = 2002
ITEM_FOR_CATEGORY = {"business": "micro_business", "housing": "housing", "education": "vocational_training",
                     "medical": "medical", "household": "basic_needs", "cash_on_arrival": "cash"}
GOALS = {"micro_business": "Start a small business agreed with the family", "housing": "Repair the family home",
         "vocational_training": "Complete a vocational course", "medical": "Continue the medical treatment",
         "basic_needs": "Furnish the household", "cash": "Cover the first weeks after arrival"}
PROVIDERS = [
    ("Centre for Social Work Niš", "public", "Niš", "Social protection, family counselling", "018 000 100"),
    ("Centre for Social Work Kraljevo", "public", "Kraljevo", "Social protection, family counselling", "036 000 100"),
    ("National Employment Service", "public", "", "Job placement, vocational training", "0800 300 301"),
    ("Roma Education Fund local office", "ngo", "Novi Pazar", "School enrolment, education support", ""),
    ("Psychosocial support centre", "ngo", "", "Individual and family psychosocial support", ""),
]
REFERRALS = [("psychosocial_family", "Family counselling after the return", 4),
             ("job_placement", "Registration with the employment service", 2),
             ("education", "Enrol the children at school", 3)]
NOTES = ["Home visit: the family has settled in; the children go to school.",
         "Phone call: the business is running; income covers the household's basic needs.",
         "Office meeting: discussed the next steps of the plan and the documents still needed.",
         "Home visit: the repairs are finished; the family lives in the house again."]


def _at(day: date, hour: int = 11) -> datetime:
    return datetime.combine(day, time(hour, 0), UTC)


def _providers(admin):
    from casework.referrals.models import ServiceProvider
    from casework.referrals.services import create_provider

    if db.session.scalar(select(func.count()).select_from(ServiceProvider)):
        return list(db.session.scalars(select(ServiceProvider).order_by(ServiceProvider.id)))
    return [create_provider({"name": n, "provider_type": t, "municipality": m, "services": s, "contact": c},
                            actor=admin) for n, t, m, s, c in PROVIDERS]


def _plan_case(rng, case, grants, providers, caseworker, supervisor, last_day: date, pending: bool,
               closing) -> None:
    """A case planned closed (`case in closing`) ends with its items done or dropped and its accepted
    referral done; the days of what happened go to `closing` so the case closes after them."""
    from casework.notes.services import add_note
    from casework.referrals.services import answer_referral, send_referral

    start = case.arrival_date + timedelta(days=rng.randint(3, 20))
    # The demo's period ends on last_day; a case arriving near or after it runs until today.
    if start + timedelta(days=60) > last_day:
        last_day = date.today()
    closes = case in closing
    items = []
    for grant in grants:
        item_type = ITEM_FOR_CATEGORY[grant.category.value]
        items.append(services.add_item(case, {
            "person_id": grant.person_id, "item_type": item_type, "goal": GOALS[item_type],
            "baseline": "Assessed at the first visit.", "provider_kind": "office",
            "estimated_cost": grant.requested_amount,
            "target_date": min(start + timedelta(days=rng.randint(60, 200)), last_day)}, actor=caseworker,
            at=_at(start)))
    if rng.random() < 0.5 or not items:
        item_type, goal, provider_index = rng.choice(REFERRALS)
        items.append(services.add_item(case, {"item_type": item_type, "goal": goal, "provider_kind": "referral"},
                                       actor=caseworker, at=_at(start)))
        referral_item = items[-1]
    else:
        referral_item, provider_index = None, 0
    plan = services.plan_of(case)
    services.submit_plan(plan, actor=caseworker, at=_at(start + timedelta(days=2)))
    if pending:
        return  # awaiting a supervisor's approval at the end of the period
    approved_on = start + timedelta(days=rng.randint(4, 12))
    services.decide_plan(plan, supervisor, "approved", at=_at(approved_on))
    for grant, item in zip(grants, items):
        if grant.status not in (GrantStatus.REJECTED, GrantStatus.CANCELLED):
            services.link_grant(grant, item, actor=caseworker)
    if referral_item is not None:
        provider = providers[provider_index]
        sent = approved_on + timedelta(days=rng.randint(1, 10))
        referral = send_referral(referral_item, provider, consent=True, consent_on=sent,
                                 consent_person_id=case.principal.id, sent_on=sent, actor=caseworker)
        roll = rng.random()
        if roll < 0.85:
            answered = sent + timedelta(days=rng.randint(3, 20))
            outcome = "refused" if roll < 0.1 else "accepted"
            answer_referral(referral, outcome, answered, "No capacity this year." if outcome == "refused"
                            else "The family came to the first appointment.", actor=caseworker)
            closing.happened(case, answered)
            if outcome == "accepted" and closes:
                answer_referral(referral, "done", answered + timedelta(days=60), "Support completed.",
                                actor=caseworker)
                closing.happened(case, answered + timedelta(days=60))
    for item in items:
        if closes:
            status = ItemStatus.DONE if rng.random() < 0.9 else ItemStatus.DROPPED
        elif case.status == CaseStatus.MONITORING:
            status = ItemStatus.DONE if rng.random() < 0.7 else ItemStatus.IN_PROGRESS
        else:
            status = ItemStatus.IN_PROGRESS
        progress_on = min(approved_on + timedelta(days=30), last_day)
        services.set_item_status(item, status, "The family chose another way." if status == ItemStatus.DROPPED
                                 else "", actor=caseworker, at=_at(progress_on))
        closing.happened(case, progress_on)
    for k in range(rng.randint(1, 3)):
        day = max(min(approved_on + timedelta(days=30 * (k + 1) + rng.randint(0, 20)), last_day), approved_on)
        add_note(case, rng.choice(["visit", "phone_call", "office_meeting"]), day, rng.choice(NOTES),
                 actor=caseworker, at=_at(day, 16))
        closing.happened(case, day)


def add_demo_plans(programmes: dict, loaded: list, closing) -> None:
    """Plans, referrals and notes for the demo cases of AVR-CH and VARRP-UK, once."""
    from casework.grants.demo import LAST_DAY

    admin, supervisor = find_user("admin"), find_user("supervisor")
    if admin is None or supervisor is None:
        return
    providers = None
    for code, caseworker_name in (("AVR-CH", "caseworker"), ("VARRP-UK", "caseworker.uk")):
        programme, caseworker = programmes.get(code), find_user(caseworker_name)
        if programme is None or caseworker is None:
            continue
        if db.session.scalar(select(func.count()).select_from(ReintegrationPlan).join(Case)
                             .where(Case.programme_id == programme.id)):
            continue
        providers = providers or _providers(admin)
        rng = random.Random(f"{SEED}-plans-{code}")
        cases = db.session.scalars(select(Case).where(Case.programme_id == programme.id,
                                                      Case.arrival_date.is_not(None))
                                   .order_by(Case.arrival_date, Case.id)).all()
        grants: dict[int, list] = {}
        for grant in db.session.scalars(select(Grant).join(Case).where(Case.programme_id == programme.id)
                                        .order_by(Grant.id)):
            grants.setdefault(grant.case_id, []).append(grant)
        count = 0
        for index, case in enumerate(cases):
            if index >= len(cases) - 2:
                continue  # the newest arrivals: no plan yet, their plan-due task open
            _plan_case(rng, case, grants.get(case.id, []), providers, caseworker, supervisor, LAST_DAY,
                       pending=index == len(cases) - 3, closing=closing)
            count += 1
        loaded.append(f"{code}: {count} reintegration plans")
