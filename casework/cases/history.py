"""A case's history as its viewer may see it: no reference, id or name of a case in a programme
the viewer cannot see (the "returned again" link names the earlier case, perhaps another programme's)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.auth.permissions import visible_programme_ids
from casework.cases.models import Case, Person
from casework.extensions import db

# Keys of an event's changes that point at another case; shown only to who may see that case.
OTHER_CASE_KEYS = ("returned_from_person_id", "earlier_case", "earlier_case_id")
HIDDEN = _l("(a case in a programme you do not see)")


class ShownEvent:
    """An audit event with the changes its viewer may see (events themselves are never changed)."""

    def __init__(self, event: AuditEvent, changes):
        self._event = event
        self.changes = changes

    def __getattr__(self, name):
        return getattr(self._event, name)


def _other_programme(changes: dict) -> int | None:
    """The programme of the case an event points at, or None when it points at none it can name."""
    case_id = changes.get("earlier_case_id")
    if case_id is None and changes.get("returned_from_person_id") is not None:
        case_id = db.session.scalar(select(Person.case_id).where(Person.id == changes["returned_from_person_id"]))
    if case_id is None:
        return None
    return db.session.scalar(select(Case.programme_id).where(Case.id == case_id))


def visible_history(events, user) -> list:
    """The events with every pointer to a case the user cannot see taken out of their changes."""
    ids = visible_programme_ids(user)
    shown = []
    for event in events:
        changes = event.changes
        points_elsewhere = isinstance(changes, dict) and any(k in changes for k in OTHER_CASE_KEYS)
        if ids is not None and points_elsewhere and _other_programme(changes) not in ids:
            changes = {k: v for k, v in changes.items() if k not in OTHER_CASE_KEYS}
            changes["earlier_case"] = HIDDEN
        shown.append(ShownEvent(event, changes))
    return shown
