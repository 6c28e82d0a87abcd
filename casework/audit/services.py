"""Recording audit events. Services call record(); nothing edits or deletes an event."""
from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from flask import g, has_request_context, request

from casework.audit.models import AuditEvent
from casework.extensions import db


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def diff(before: dict, after: dict) -> dict:
    """The fields whose values differ, as {field: [old, new]}."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in sorted(set(before) | set(after))
        if _plain(before.get(key)) != _plain(after.get(key))
    }


# A proxy's request id is kept only in the two forms proxies generate (a UUID, or 32 hex digits
# as nginx's $request_id); anything else is replaced by one of ours, never stored as sent.
_REQUEST_ID = re.compile(r"^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")


def request_id() -> str | None:
    if not has_request_context():
        return None
    if "request_id" not in g:
        sent = request.headers.get("X-Request-Id", "").lower()
        g.request_id = sent if _REQUEST_ID.fullmatch(sent) else str(uuid.uuid4())
    return g.request_id


def record(action: str, *, user=None, entity=None, entity_type=None, entity_id=None,
           programme_id=None, changes=None, summary: str = "") -> AuditEvent:
    """Add an audit event to the current transaction (flushed with the change it records)."""
    if entity is not None:
        entity_type = entity_type or entity.__tablename__
        entity_id = entity_id if entity_id is not None else entity.id
    if user is None and has_request_context():
        from flask_login import current_user

        if current_user and current_user.is_authenticated:
            user = current_user
    event = AuditEvent(
        action=action,
        user_id=user.id if user is not None else None,
        username=user.username if user is not None else None,
        entity_type=entity_type,
        entity_id=entity_id,
        programme_id=programme_id,
        changes={k: _plain(v) for k, v in changes.items()} if changes else None,
        summary=summary[:300],
        ip=request.remote_addr if has_request_context() else None,
        request_id=request_id(),
    )
    db.session.add(event)
    return event


# Every action the application records, for the audit search's choices (a test checks the
# code records no other).
ACTIONS = (
    "access_denied", "audit_exported", "backup_made", "backup_restored", "case_created", "case_file_exported",
    "case_status_changed", "case_updated", "case_viewed", "cases_exported", "disbursement_recorded",
    "disbursement_reversed", "document_downloaded", "document_previewed", "document_purged", "document_removed",
    "document_requirement_set", "document_uploaded", "grant_cancelled", "grant_completed", "grant_decided",
    "grant_edited", "grant_linked_to_plan_item", "grant_proposed", "grant_submitted", "import_completed", "login",
    "login_failed", "login_refused", "logout", "monitoring_flag_resolved", "monitoring_schedule_set",
    "monitoring_visit_recorded", "note_added", "note_edited", "password_changed", "person_created",
    "person_returned_again", "person_updated", "plan_approved", "plan_created", "plan_item_added",
    "plan_item_removed", "plan_item_status_changed", "plan_item_updated", "plan_sent_back", "plan_submitted",
    "plan_version_started", "programme_cap_set", "programme_created", "programme_updated", "provider_created",
    "provider_updated", "referral_answered", "referral_sent", "report_exported", "report_submitted",
    "session_ended", "sessions_ended", "survey_instrument_loaded", "survey_recorded", "task_added", "task_closed", "user_created", "user_deactivated",
    "user_locale_set", "user_updated",
)
