"""Building grants in a given state for the tests."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from casework.extensions import db
from casework.grants import services


def proposed(o, case=None, amount="2000.00", category="business", person=True, actor=None):
    case = case or o.ch_case
    grant = services.create_grant(case, {"category": category, "person_id": case.principal.id if person else None,
                                         "plan": "Buy a tractor for the family farm.",
                                         "requested_amount": amount}, actor=actor or o.caseworker)
    db.session.commit()
    return grant


def submitted(o, **kw):
    grant = proposed(o, **kw)
    services.submit_grant(grant, actor=kw.get("actor") or o.caseworker)
    db.session.commit()
    return grant


def approved(o, **kw):
    """Approved by `supervisor`, and for a donor programme the donor's letter entered by `supervisor2`."""
    grant = submitted(o, **kw)
    services.decide(grant, o.supervisor, "approved")
    db.session.commit()
    if grant.status.value == "awaiting_donor":
        services.decide(grant, o.supervisor2, "approved", authority_reference="FOM-1", authority_letter_date=date.today())
        db.session.commit()
    return grant


def money(value: str) -> Decimal:
    return Decimal(value)
