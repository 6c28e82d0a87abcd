"""Demo grants: plausible proposals, decisions (some reduced, rejected or sent back, donor letters for
AVR-CH) and tranches, taken through the same services and within the caps and budgets."""
from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from casework.auth.services import find_user
from casework.cases.models import Case
from casework.extensions import db
from casework.grants import services
from casework.grants.models import Grant, GrantStatus

SEED = 2002
LAST_DAY = date(2012, 6, 30)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), UTC)


def _plans_ch(rng: random.Random, case: Case):
    category, low, high = rng.choice([("business", 1500, 3000), ("housing", 1000, 3000),
                                      ("education", 600, 2000), ("medical", 500, 4000),
                                      ("household", 400, 1500)])
    yield category, Decimal(rng.randrange(low, high + 1, 50)), "Reintegration project agreed with the family."


def _plans_uk(rng: random.Random, case: Case):
    cap = case.programme.cap_on(case.arrival_date)
    yield "cash_on_arrival", Decimal(500), "Cash grant on arrival."
    in_kind = (cap.per_case if cap and cap.per_case else Decimal(1000)) - Decimal(500)
    if in_kind > 0 and rng.random() < 0.8:
        category = rng.choice(["business", "household", "education"])
        yield category, Decimal(rng.randrange(200, int(in_kind) + 1, 50)), "In-kind reintegration help."


def _walk(rng, case, category, amount, plan, caseworker, supervisor, donor_clerk, last_case: bool):
    start = case.arrival_date + timedelta(days=rng.randint(5, 40))
    grant = services.create_grant(case, {"category": category, "person_id": case.principal.id if case.principal
                                         else None, "plan": plan, "requested_amount": amount},
                                  actor=caseworker, at=_at(start))
    day = start + timedelta(days=rng.randint(1, 10))
    services.submit_grant(grant, actor=caseworker, at=_at(day))
    if last_case:
        return grant  # still pending at the end of the period
    roll = rng.random()
    if roll < 0.07:  # sent back, revised, submitted again
        day += timedelta(days=rng.randint(3, 15))
        services.decide(grant, supervisor, "sent_back", reason="Please attach the supplier's quote.", at=_at(day))
        day += timedelta(days=rng.randint(3, 15))
        services.submit_grant(grant, actor=caseworker, at=_at(day))
        roll = rng.random() * 0.8
    day += timedelta(days=rng.randint(3, 20))
    if roll < 0.1:
        services.decide(grant, supervisor, "rejected", reason="The plan is not viable in the municipality of return.",
                        at=_at(day))
        return grant
    if roll < 0.25:
        reduced = (amount * Decimal("0.8")).quantize(Decimal("1"))
        services.decide(grant, supervisor, "reduced", amount=reduced, reason="Equipment priced above the market.",
                        at=_at(day))
    else:
        services.decide(grant, supervisor, "approved", at=_at(day))
    if grant.status == GrantStatus.AWAITING_DONOR:
        letter = day + timedelta(days=rng.randint(10, 40))
        outcome = "rejected" if rng.random() < 0.05 else "approved"
        services.decide(grant, donor_clerk, outcome, reason="Not eligible under the programme rules."
                        if outcome == "rejected" else "", authority_reference=f"FOM-{letter.year}-{rng.randint(100, 999)}",
                        authority_letter_date=letter, at=_at(letter + timedelta(days=2)))
        day = letter + timedelta(days=2)
    if grant.status != GrantStatus.APPROVED:
        return grant
    approved = grant.approved_amount
    day += timedelta(days=rng.randint(3, 20))
    if approved >= 1000 and rng.random() < 0.6:
        first = (approved / 2).quantize(Decimal("0.01"))
        services.record_disbursement(grant, caseworker, paid_on=day, amount=first, mode="in_kind",
                                     receipt_reference=f"R-{grant.id}-1", at=_at(day, 15))
        day += timedelta(days=180)  # second tranche after the six-month review
        if day <= LAST_DAY:
            services.record_disbursement(grant, caseworker, paid_on=day, amount=approved - first, mode="in_kind",
                                         receipt_reference=f"R-{grant.id}-2", at=_at(day, 15))
    else:
        mode = "cash" if category == "cash_on_arrival" else rng.choice(["cash", "bank_transfer", "in_kind"])
        services.record_disbursement(grant, caseworker, paid_on=day, amount=approved, mode=mode,
                                     receipt_reference=f"R-{grant.id}-1", at=_at(day, 15))
    return grant


def _last_day(grant: Grant) -> date:
    """The day of the grant's last decision or payment (or its submission)."""
    days = [d.paid_on for d in grant.disbursements] + [d.decided_at.date() for d in grant.decisions]
    return max(days) if days else grant.submitted_at.date()


def add_demo_grants(programmes: dict, loaded: list, closing) -> None:
    """Add grants to the demo cases of AVR-CH and VARRP-UK, once."""
    supervisor, second = find_user("supervisor"), find_user("supervisor2")
    for code, planner, caseworker_name, share in (("AVR-CH", _plans_ch, "caseworker", 0.7),
                                                   ("VARRP-UK", _plans_uk, "caseworker.uk", 1.0)):
        programme = programmes.get(code)
        caseworker = find_user(caseworker_name)
        if programme is None or caseworker is None or supervisor is None or second is None:
            continue
        existing = db.session.scalar(select(func.count()).select_from(Grant).join(Case)
                                     .where(Case.programme_id == programme.id))
        if existing:
            continue
        rng = random.Random(f"{SEED}-grants-{code}")
        cases = db.session.scalars(select(Case).where(Case.programme_id == programme.id,
                                                      Case.arrival_date.is_not(None))
                                   .order_by(Case.arrival_date, Case.id)).all()
        count = 0
        for index, case in enumerate(cases):
            if rng.random() >= share:
                continue
            last = index >= len(cases) - 3
            for category, amount, plan in planner(rng, case):
                grant = _walk(rng, case, category, amount, plan, caseworker, supervisor, second, last)
                closing.happened(case, _last_day(grant))
                count += 1
        loaded.append(f"{code}: {count} grants")
