"""The rule for reasons: closing needs one from the list ("other" with text), reopening needs text.

cases.services.change_status calls closure_for() before it changes anything, so the web form,
the CLI, the demo data and the tests all meet the same rule."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from casework.closures.models import CaseClosure, ClosureKind, ClosureReason
from casework.errors import DomainError
from casework.extensions import db


def closure_for(case, old_status, new_status, reason, detail: str | None, actor=None,
                on_date: date | None = None) -> CaseClosure | None:
    """The closure or reopening record this status change needs, or None; refuses a missing reason.
    It is dated on_date (entered late: not in the future, not before the arrival), else today."""
    from casework.cases.models import CaseStatus

    detail = (detail or "").strip()
    if new_status == CaseStatus.CLOSED:
        if not reason:
            raise DomainError(_("Choose why the case is closed."), "reason")
        try:
            reason = ClosureReason(reason)
        except ValueError:
            raise DomainError(_("Choose why the case is closed."), "reason") from None
        if reason == ClosureReason.OTHER and not detail:
            raise DomainError(_("Say why the case is closed."), "reason_text")
        kind = ClosureKind.CLOSED
    elif old_status == CaseStatus.CLOSED:
        if not detail:
            raise DomainError(_("Say why the case is reopened."), "reason_text")
        reason, kind = None, ClosureKind.REOPENED
    else:
        return None
    if on_date is None:
        on_date = date.today()
    elif on_date > date.today():
        raise DomainError(_("A closure or reopening cannot be dated in the future."), "on_date")
    elif case.arrival_date is not None and on_date < case.arrival_date:
        raise DomainError(_("A closure or reopening cannot be dated before the arrival (%(day)s).",
                            day=case.arrival_date.isoformat()), "on_date")
    return CaseClosure(case_id=case.id, kind=kind, reason=reason, detail=detail,
                       on_date=on_date, recorded_by_id=actor.id if actor else None)


def changes_of(closure: CaseClosure) -> dict:
    """What the case history shows of a closure or reopening."""
    out = {"reason": [None, closure.reason.value]} if closure.reason else {}
    if closure.detail:
        out["reason_text"] = [None, closure.detail]
    return out


def latest_closure(case) -> CaseClosure | None:
    return db.session.scalar(select(CaseClosure).where(CaseClosure.case_id == case.id)
                             .order_by(CaseClosure.id.desc()).limit(1))
