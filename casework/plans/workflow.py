"""The plan workflow: every allowed transition and who may take it, in one table (as for grants)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from casework.auth.models import Role
from casework.errors import DomainError
from casework.plans.models import PlanStatus

S = PlanStatus
WRITERS = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.ADMIN})
APPROVERS = frozenset({Role.SUPERVISOR})


@dataclass(frozen=True)
class Transition:
    action: str
    source: frozenset
    target: PlanStatus
    roles: frozenset


# Editing an approved plan starts its next version as a draft; the approved one is kept.
TRANSITIONS = {
    "edit": Transition("edit", frozenset({S.DRAFT, S.APPROVED}), S.DRAFT, WRITERS),
    "submit": Transition("submit", frozenset({S.DRAFT}), S.SUBMITTED, WRITERS),
    "approve": Transition("approve", frozenset({S.SUBMITTED}), S.APPROVED, APPROVERS),
    "send_back": Transition("send_back", frozenset({S.SUBMITTED}), S.DRAFT, APPROVERS),
}

STATUS_LABELS = {S.DRAFT: _l("Draft"), S.SUBMITTED: _l("Awaiting approval"), S.APPROVED: _l("Approved")}
ACTION_LABELS = {"edit": _l("change"), "submit": _l("submit"), "approve": _l("approve"),
                 "send_back": _l("send back")}


class TransitionRefused(DomainError):
    """The action is not allowed from the plan's current status; nothing was changed."""


def allowed(action: str, status: PlanStatus) -> bool:
    return status in TRANSITIONS[action].source


def check(action: str, status: PlanStatus) -> None:
    if not allowed(action, status):
        raise TransitionRefused(_("You cannot %(action)s a plan that is %(status)s.",
                                  action=ACTION_LABELS[action], status=str(STATUS_LABELS[status]).lower()))


def role_may(action: str, role: Role) -> bool:
    return role in TRANSITIONS[action].roles
