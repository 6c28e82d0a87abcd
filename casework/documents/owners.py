"""What a document can be attached to. Each kind names its model and how to reach its case (whose
permissions the document follows). Another domain adds a kind with one call in its init_app, e.g.
``register_owner("plan", Plan, lambda plan: plan.case, _l("Reintegration plan"))``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class OwnerKind:
    name: str
    model: type
    case_of: Callable
    label: object
    # The owners of one case (for the "attached to" choice), and one owner's description.
    of_case: Callable | None = None
    describe: Callable | None = None
    # The page that lists the owner's documents (attaching and removing return there); None: the case page.
    page: Callable | None = None

    def owners_in(self, case) -> list:
        if self.of_case is not None:
            return list(self.of_case(case))
        from sqlalchemy import select

        from casework.extensions import db

        return list(db.session.scalars(select(self.model).where(self.model.case_id == case.id)
                                       .order_by(self.model.id)))

    def description(self, owner) -> str:
        return self.describe(owner) if self.describe is not None else f"{self.label} {owner.id}"

    def page_of(self, owner) -> str | None:
        return self.page(owner) if self.page is not None else None


OWNERS: dict[str, OwnerKind] = {}


def register_owner(name: str, model: type, case_of: Callable, label, *, of_case=None, describe=None,
                   page=None) -> None:
    OWNERS[name] = OwnerKind(name, model, case_of, label, of_case, describe, page)


def kind_of(owner) -> OwnerKind:
    for kind in OWNERS.values():
        if type(owner) is kind.model:
            return kind
    raise LookupError(f"documents cannot be attached to {type(owner).__name__}")


def _grants_of(case):
    from sqlalchemy import select

    from casework.extensions import db
    from casework.grants.models import Grant

    return db.session.scalars(select(Grant).where(Grant.case_id == case.id).order_by(Grant.id)).all()


def register_core_owners() -> None:
    from casework.cases.models import Case, Person
    from casework.grants.models import Disbursement, Grant, GrantDecision

    register_owner("case", Case, lambda case: case, _l("The case"), of_case=lambda case: [case],
                   describe=lambda case: f"{_l('The case')} {case.reference}")
    register_owner("person", Person, lambda person: person.case, _l("Member"), of_case=lambda case: case.persons,
                   describe=lambda person: f"{_l('Member')}: {person.full_name}")
    register_owner("grant", Grant, lambda grant: grant.case, _l("Grant"),
                   describe=lambda grant: f"{_l('Grant')} {grant.id}")
    register_owner("decision", GrantDecision, lambda decision: decision.grant.case, _l("Decision"),
                   of_case=lambda case: [d for g in _grants_of(case) for d in g.decisions],
                   describe=lambda d: f"{_l('Decision')} {d.id} ({_l('grant')} {d.grant_id}, {d.decided_at:%Y-%m-%d})")
    register_owner("disbursement", Disbursement, lambda payment: payment.grant.case, _l("Payment"),
                   of_case=lambda case: [p for g in _grants_of(case) for p in g.disbursements],
                   describe=lambda p: f"{_l('Payment')} {p.id} ({_l('grant')} {p.grant_id}, {p.paid_on:%Y-%m-%d})")
