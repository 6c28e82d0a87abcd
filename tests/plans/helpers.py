"""Building plans for the tests, through the services."""
from __future__ import annotations

from datetime import date

from casework.extensions import db
from casework.plans import services

ITEMS = [
    {"item_type": "micro_business", "goal": "Open a bakery in Niš", "baseline": "Unemployed baker",
     "provider_kind": "office", "estimated_cost": "2500.00", "target_date": date(2011, 6, 1)},
    {"item_type": "psychosocial_family", "goal": "Family counselling", "provider_kind": "referral"},
    {"item_type": "education", "goal": "Enrol the children at school", "provider_kind": "office",
     "estimated_cost": "300"},
]


def written(case, actor, items=ITEMS):
    for values in items:
        services.add_item(case, dict(values), actor=actor)
    db.session.commit()
    return services.plan_of(case)


def approved(o, case=None, writer=None, approver=None):
    case = case or o.ch_case
    plan = written(case, writer or o.caseworker)
    services.submit_plan(plan, actor=writer or o.caseworker)
    services.decide_plan(plan, approver or o.supervisor, "approved")
    db.session.commit()
    return plan
