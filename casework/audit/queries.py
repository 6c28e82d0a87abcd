"""Searching the audit trail: by person, entity, action, programme and period."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import and_, or_, select

from casework.audit.models import AuditEvent


@dataclass
class AuditFilters:
    username: str | None = None
    entity_type: str | None = None
    entity_id: int | None = None
    action: str | None = None
    programme_id: int | None = None
    start: date | None = None  # UTC days, both ends included
    end: date | None = None

    def describe(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.__dict__.items() if v}


def audit_statement(filters: AuditFilters):
    """The events matching the filters (unordered); each filter is served by an index."""
    stmt = select(AuditEvent)
    if filters.username:
        # A known user by id (indexed with the time); a name nobody has, as typed at a failed login.
        from casework.auth.services import find_user, typed_name_summary

        user = find_user(filters.username)
        user_id = user.id if user is not None else None
        typed = and_(AuditEvent.action.in_(("login_failed", "login_refused")),
                     AuditEvent.summary == typed_name_summary(filters.username))
        stmt = stmt.where(or_(AuditEvent.user_id == user_id, typed) if user_id is not None
                          else or_(AuditEvent.username == filters.username, typed))
    if filters.entity_type:
        stmt = stmt.where(AuditEvent.entity_type == filters.entity_type)
    if filters.entity_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == filters.entity_id)
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.programme_id is not None:
        stmt = stmt.where(AuditEvent.programme_id == filters.programme_id)
    if filters.start:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(filters.start, time(), UTC))
    if filters.end:
        stmt = stmt.where(AuditEvent.at <= datetime.combine(filters.end, time.max, UTC))
    return stmt
