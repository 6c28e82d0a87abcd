"""The grant workflow: every allowed transition, who may take it, in one table."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from casework.auth.models import Role
from casework.errors import DomainError
from casework.grants.models import GrantStatus

S = GrantStatus
PROPOSERS = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.ADMIN})
DECIDERS = frozenset({Role.SUPERVISOR})

# Groups of statuses that the rules, the queue and the reports all count by.
APPROVED = (S.APPROVED, S.DISBURSING, S.COMPLETED)  # a decision granted money
AWAITING_DECISION = (S.SUBMITTED, S.IN_REVIEW, S.AWAITING_DONOR)
# Money still being decided or paid: a case with such a grant is not closed or withdrawn.
MONEY_OPEN = AWAITING_DECISION + (S.APPROVED, S.DISBURSING)
# No new grant is proposed on a case in these statuses (values of CaseStatus).
CASE_STATUSES_WITHOUT_NEW_GRANTS = ("closed", "withdrawn")

STATUS_LABELS = {
    S.DRAFT: _l("Draft"),
    S.SUBMITTED: _l("Submitted"),
    S.IN_REVIEW: _l("In supervisor review"),
    S.AWAITING_DONOR: _l("Awaiting donor decision"),
    S.APPROVED: _l("Approved"),
    S.REJECTED: _l("Rejected"),
    S.DISBURSING: _l("Being disbursed"),
    S.COMPLETED: _l("Completed"),
    S.CANCELLED: _l("Cancelled"),
}


class TransitionRefused(DomainError):
    """The action is not allowed from the grant's current status; nothing was changed."""


@dataclass(frozen=True)
class Transition:
    action: str
    source: frozenset
    roles: frozenset


# Where each action may start, and who may take it. The target status of a decision depends
# on its outcome and on the programme's decision authority (see target()).
TRANSITIONS = {
    "edit": Transition("edit", frozenset({S.DRAFT}), PROPOSERS),
    "submit": Transition("submit", frozenset({S.DRAFT}), PROPOSERS),
    "supervisor_decision": Transition("supervisor_decision", frozenset({S.SUBMITTED, S.IN_REVIEW}), DECIDERS),
    "donor_decision": Transition("donor_decision", frozenset({S.AWAITING_DONOR}), DECIDERS),
    "disburse": Transition("disburse", frozenset({S.APPROVED, S.DISBURSING}), PROPOSERS),
    "reverse_payment": Transition("reverse_payment", frozenset({S.DISBURSING, S.COMPLETED}), PROPOSERS),
    "cancel": Transition(
        "cancel", frozenset({S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.AWAITING_DONOR, S.APPROVED}), PROPOSERS
    ),
}

ACTION_LABELS = {
    "edit": _l("edit"),
    "submit": _l("submit"),
    "supervisor_decision": _l("take the supervisor's decision on"),
    "donor_decision": _l("record the donor's decision on"),
    "disburse": _l("record a disbursement of"),
    "reverse_payment": _l("reverse a payment of"),
    "cancel": _l("cancel"),
}


def target(action: str, outcome: str | None = None, *, donor_decides: bool = False,
           fully_paid: bool = False) -> GrantStatus:
    """The status a grant reaches by this action (and outcome)."""
    if action in ("edit",):
        return S.DRAFT
    if action == "submit":
        return S.SUBMITTED
    if action == "cancel":
        return S.CANCELLED
    if action == "disburse":
        return S.COMPLETED if fully_paid else S.DISBURSING
    if action == "reverse_payment":  # fully_paid here: something is still paid after the reversal
        return S.DISBURSING if fully_paid else S.APPROVED
    if outcome == "sent_back":
        return S.DRAFT
    if outcome == "rejected":
        return S.REJECTED
    if action == "supervisor_decision" and donor_decides:
        return S.AWAITING_DONOR
    return S.APPROVED


def allowed(action: str, status: GrantStatus) -> bool:
    return status in TRANSITIONS[action].source


def actions_from(status: GrantStatus) -> list[str]:
    return [name for name, t in TRANSITIONS.items() if status in t.source]


def check(action: str, status: GrantStatus) -> None:
    """Refuse an action that is not allowed from this status, with a clear message."""
    if not allowed(action, status):
        raise TransitionRefused(
            _("You cannot %(action)s a grant that is %(status)s.",
              action=ACTION_LABELS[action], status=str(STATUS_LABELS[status]).lower())
        )


def role_may(action: str, role: Role) -> bool:
    return role in TRANSITIONS[action].roles
