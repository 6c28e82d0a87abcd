"""The words of the audit trail: what each action and entity is called, and how a change reads.

History lines show labels, never stored codes: "Status: Arrived → Reintegration in progress",
not "status: arrived → reintegration".
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# What each action is called in history lines and the audit search (the trail stores the code).
ACTION_LABELS = {
    "access_denied": _l("access denied"),
    "backup_made": _l("backup made"),
    "backup_restored": _l("backup restored"),
    "audit_exported": _l("audit exported"),
    "case_created": _l("case created"),
    "case_status_changed": _l("case status changed"),
    "case_updated": _l("case updated"),
    "case_viewed": _l("case viewed"),
    "cases_exported": _l("cases exported"),
    "disbursement_recorded": _l("disbursement recorded"),
    "grant_cancelled": _l("grant cancelled"),
    "grant_completed": _l("grant completed"),
    "grant_decided": _l("grant decided"),
    "grant_edited": _l("grant edited"),
    "grant_proposed": _l("grant proposed"),
    "grant_submitted": _l("grant submitted"),
    "import_completed": _l("import completed"),
    "login": _l("login"),
    "login_failed": _l("login failed"),
    "login_refused": _l("login refused"),
    "logout": _l("logout"),
    "monitoring_flag_resolved": _l("monitoring finding dealt with"),
    "monitoring_schedule_set": _l("monitoring schedule set"),
    "monitoring_visit_recorded": _l("monitoring visit recorded"),
    "password_changed": _l("password changed"),
    "person_created": _l("person created"),
    "person_returned_again": _l("person returned again"),
    "person_updated": _l("person updated"),
    "programme_cap_set": _l("programme cap set"),
    "programme_created": _l("programme created"),
    "programme_updated": _l("programme updated"),
    "report_exported": _l("report exported"),
    "report_submitted": _l("report submitted"),
    "user_created": _l("user created"),
    "user_deactivated": _l("user deactivated"),
    "user_locale_set": _l("user locale set"),
    "user_updated": _l("user updated"),
    "case_file_exported": _l("case file exported"),
    "disbursement_reversed": _l("disbursement reversed"),
    "document_downloaded": _l("document downloaded"),
    "document_previewed": _l("document previewed"),
    "document_purged": _l("document content purged"),
    "document_removed": _l("document removed"),
    "document_requirement_set": _l("document requirement set"),
    "document_uploaded": _l("document uploaded"),
    "grant_linked_to_plan_item": _l("grant linked to a plan item"),
    "note_added": _l("note added"),
    "note_edited": _l("note edited"),
    "plan_approved": _l("plan approved"),
    "plan_created": _l("plan created"),
    "plan_item_added": _l("plan item added"),
    "plan_item_removed": _l("plan item removed"),
    "plan_item_status_changed": _l("plan item status changed"),
    "plan_item_updated": _l("plan item updated"),
    "plan_sent_back": _l("plan sent back"),
    "plan_submitted": _l("plan submitted"),
    "plan_version_started": _l("plan version started"),
    "provider_created": _l("service provider created"),
    "provider_updated": _l("service provider updated"),
    "referral_answered": _l("referral answered"),
    "referral_sent": _l("referral sent"),
    "session_ended": _l("session ended"),
    "sessions_ended": _l("sessions ended"),
    "survey_instrument_loaded": _l("survey instrument loaded"),
    "survey_recorded": _l("survey recorded"),
    "task_added": _l("task added"),
    "task_closed": _l("task closed"),
}
ENTITY_LABELS = {
    "cases": _l("Case"), "persons": _l("Person"), "grants": _l("Grant"), "users": _l("User"),
    "programmes": _l("Programme"), "import_batches": _l("Import"), "submitted_reports": _l("Submitted report"),
    "database": _l("Database"),
}
FIELD_LABELS = {
    "filters": _l("Filters"),
    "file": _l("File"),
    "rows": _l("Rows"),
    "code": _l("Code"),
    "name": _l("Name"),
    "currency": _l("Currency"),
    "budget": _l("Budget"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    "decision_authority": _l("Who decides"),
    "small_cell_threshold": _l("Small-cell threshold"),
    "report_language": _l("Report language"),
    "sustainability_threshold": _l("Sustainability threshold"),
    "valid_from": _l("In force from"),
    "per_person": _l("Cap per person"),
    "per_case": _l("Cap per case"),
    "donor": _l("Donor"),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def _label(table: dict, code):
    """The label of a code in a table keyed by enum members or values; None when it is not one."""
    for key, label in table.items():
        if getattr(key, "value", key) == code:
            return str(label)
    return None


def _money(amount, summary: str) -> str:
    """An amount of the trail in the reader's format, with the currency code its stored summary names."""
    import re
    from decimal import Decimal

    from casework.db import format_money

    if amount in (None, ""):
        return ""
    currency = re.search(r"\b[A-Z]{3}\b", summary)
    return format_money(Decimal(str(amount)), currency.group(0) if currency else "")


def _grant_decided(event, changes) -> str | None:
    from casework.grants.labels import OUTCOME_LABELS, STEP_LABELS
    from casework.templating import format_day

    step, outcome = _label(STEP_LABELS, changes.get("step")), _label(OUTCOME_LABELS, changes.get("outcome"))
    if step is None or outcome is None:
        return None
    amount = _money(changes.get("decided_amount"), event.summary)
    line = f"{step}: {outcome}" + (f" {amount}" if amount else "")
    if changes.get("authority_reference"):
        from casework.dates import parse_date

        day = parse_date(changes.get("authority_letter_date") or "")
        line += " (" + _("letter %(number)s of %(day)s", number=changes["authority_reference"],
                         day=format_day(day) if day else "—") + ")"
    if changes.get("reason"):
        line += f" — {changes['reason']}"
    return line


def _disbursement_recorded(event, changes) -> str | None:
    from casework.dates import parse_date
    from casework.grants.labels import MODE_LABELS
    from casework.templating import format_day

    mode = _label(MODE_LABELS, changes.get("mode"))
    day = parse_date(changes.get("paid_on") or "")
    if mode is None or day is None:
        return None
    amount = _money(changes.get("amount"), event.summary)
    return " ".join(part for part in (amount, mode, format_day(day), changes.get("receipt_reference") or "") if part)


def _grant_proposed(event, changes) -> str | None:
    from casework.grants.labels import CATEGORY_LABELS

    category = _label(CATEGORY_LABELS, changes.get("category"))
    if category is None:
        return None
    return f"{category} {_money(changes.get('requested_amount'), event.summary)}".strip()


def _document_uploaded(event, changes) -> str | None:
    from casework.documents.labels import TYPE_LABELS

    code, sep, title = event.summary.partition(": ")
    kind = _label(TYPE_LABELS, code)
    return f"{kind}: {title}" if kind is not None and sep else None


def _document_requirement_set(event, changes) -> str | None:
    from casework.documents.labels import STEP_NAMES, TYPE_LABELS

    step = _label(STEP_NAMES, event.summary)
    if step is None or not isinstance(changes.get(event.summary), list):
        return None
    before, after = changes[event.summary]
    none = _("no document")
    return f"{step}: {_label(TYPE_LABELS, before) or none} → {_label(TYPE_LABELS, after) or none}"


# Actions whose summary is written from codes: how it reads in the user's language.
SUMMARY_LINES = {
    "grant_decided": _grant_decided,
    "disbursement_recorded": _disbursement_recorded,
    "grant_proposed": _grant_proposed,
    "document_uploaded": _document_uploaded,
    "document_requirement_set": _document_requirement_set,
    "audit_exported": lambda event, changes: _("audit trail as CSV") if event.summary == "audit trail as CSV" else None,
}


def summary_line(event) -> str:
    """An event's summary in labels: the stored summary of a coded action written again from its codes;
    any other summary (a reference, a title, a reason people typed) as it was stored."""
    render = SUMMARY_LINES.get(event.action)
    if render is not None and event.summary:
        changes = event.changes if isinstance(event.changes, dict) else {}
        try:
            line = render(event, changes)
        except (KeyError, TypeError, ValueError, AttributeError):
            line = None
        if line is not None:
            return line
    return event.summary or ""


def _domain_tables():
    from casework.auth import labels as auth
    from casework.cases import labels as cases
    from casework.documents import labels as documents
    from casework.grants import labels as grants

    fields = {**FIELD_LABELS, **auth.FIELD_LABELS, **cases.FIELD_LABELS, **documents.FIELD_LABELS}
    coded = {**auth.CODED_FIELDS, **cases.CODED_FIELDS, **documents.CODED_FIELDS}
    grant_fields = {**fields, **grants.FIELD_LABELS}
    grant_coded = {**coded, **grants.CODED_FIELDS}
    return (fields, coded), (grant_fields, grant_coded)


def _value(value, coded, persons, money=False):
    from casework.templating import format_day

    if money and isinstance(value, str):
        from decimal import Decimal, InvalidOperation

        from casework.db import format_money

        try:
            return format_money(Decimal(value), "")
        except InvalidOperation:
            return value
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_value(v, coded, persons) for v in value)
    if coded is not None:
        enum_cls, labels = coded
        try:
            return str(labels[enum_cls(value)])
        except (ValueError, KeyError):
            return str(value)
    if persons is not None and isinstance(value, int) and value in persons:
        return persons[value]
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        from casework.dates import parse_date

        day = parse_date(value)
        if day is not None:
            return format_day(day)
    return str(value)


def _is_old_new(key, value) -> bool:
    """[old, new] pairs, as diff() writes them; a list-valued field's pair holds two lists."""
    if not (isinstance(value, list) and len(value) == 2):
        return False
    if key in ("vulnerabilities", "programmes"):
        return all(v is None or isinstance(v, list) for v in value)
    return True


def change_lines(event, persons=None) -> list[tuple[str, str, str | None]]:
    """An event's changes as (field label, old or value, new or None), in labels, not codes."""
    if not event.changes or not isinstance(event.changes, dict):
        return []
    (fields, coded), (grant_fields, grant_coded) = _domain_tables()
    money_fields = set()
    if event.entity_type == "grants":
        from casework.grants.labels import MONEY_FIELDS

        fields, coded, money_fields = grant_fields, grant_coded, MONEY_FIELDS
    lines = []
    for key, value in event.changes.items():
        label = str(fields.get(key, key))
        codes, money = coded.get(key), key in money_fields
        if _is_old_new(key, value):
            lines.append((label, _value(value[0], codes, persons, money), _value(value[1], codes, persons, money)))
        elif value is not None and value != "":
            lines.append((label, _value(value, codes, persons, money), None))
    return lines
