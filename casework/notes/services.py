"""The rules for case notes. The audit trail records that a note was written or edited, never
its text, so a sensitive note cannot surface in the audit search or its export."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from casework.audit.services import diff, record
from casework.auth.models import Role
from casework.auth.permissions import can_edit_case
from casework.db import utcnow
from casework.errors import Conflict, DomainError, NotAllowed
from casework.extensions import db
from casework.notes.models import CaseNote, CaseNoteRevision, NoteKind

MAX_TEXT = 20000


def _clean(kind, noted_on: date | None, text: str, today: date | None) -> dict:
    try:
        kind = NoteKind(kind)
    except ValueError:
        raise DomainError(_("Choose the kind of note."), "kind") from None
    if noted_on is None:
        raise DomainError(_("Enter the date of the visit, call or meeting."), "noted_on")
    if noted_on > (today or date.today()):
        raise DomainError(_("The date of a note cannot be in the future."), "noted_on")
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the note."), "text")
    if len(text) > MAX_TEXT:
        raise DomainError(_("A note holds at most %(n)d characters.", n=MAX_TEXT), "text")
    return {"kind": kind, "noted_on": noted_on, "text": text}


def can_edit_note(user, note: CaseNote) -> bool:
    """The author edits their note; a supervisor or an administrator may correct any."""
    if user is None or not can_edit_case(user, note.case):
        return False
    return note.author_id == user.id or user.role in (Role.SUPERVISOR, Role.ADMIN)


def add_note(case, kind, noted_on: date | None, text: str, is_sensitive: bool = False, actor=None,
             today: date | None = None, at: datetime | None = None) -> CaseNote:
    values = _clean(kind, noted_on, text, today)
    note = CaseNote(case_id=case.id, author_id=actor.id if actor else None, is_sensitive=bool(is_sensitive),
                    **values)
    if at is not None:
        note.created_at = note.updated_at = at
    db.session.add(note)
    db.session.flush()
    event = record("note_added", user=actor, entity=note, programme_id=case.programme_id,
                   changes={"kind": values["kind"], "noted_on": values["noted_on"], "sensitive": note.is_sensitive},
                   summary=case.reference)
    if at is not None:
        event.at = at
    return note


def edit_note(note: CaseNote, kind, noted_on: date | None, text: str, is_sensitive: bool, actor=None,
              expected_version: int | None = None, today: date | None = None) -> dict:
    """Change a note; what it said before is kept as a revision, shown in the note's history."""
    if actor is not None and not can_edit_note(actor, note):
        raise NotAllowed(_("Only the author of a note, or a supervisor, may edit it."))
    if expected_version is not None and expected_version != note.version:
        raise Conflict(_("Someone else changed this note since you opened it. "
                         "Your changes were not saved; review the current text and try again."))
    values = _clean(kind, noted_on, text, today)
    values["is_sensitive"] = bool(is_sensitive)
    before = {k: getattr(note, k) for k in values}
    changes = diff(before, values)
    if not changes:
        return {}
    note.revisions.append(CaseNoteRevision(
        kind=note.kind, noted_on=note.noted_on, text=note.text, is_sensitive=note.is_sensitive,
        written_by_id=note.edited_by_id or note.author_id,
        written_at=note.updated_at, replaced_by_id=actor.id if actor else None, replaced_at=utcnow()))
    for key, value in values.items():
        setattr(note, key, value)
    note.edited_by_id = actor.id if actor else None
    db.session.flush()
    if "text" in changes:
        changes["text"] = ["…", "…"]  # the text itself stays in the note's history, out of the audit trail
    record("note_edited", user=actor, entity=note, programme_id=note.case.programme_id, changes=changes,
           summary=note.case.reference)
    return changes


def notes_of(case, include_sensitive: bool = True) -> list[CaseNote]:
    """A case's notes, latest first; the printed file and every list pass include_sensitive=False."""
    from sqlalchemy.orm import joinedload

    stmt = (select(CaseNote).where(CaseNote.case_id == case.id)  # one statement, authors and earlier versions
            .options(joinedload(CaseNote.author),
                     joinedload(CaseNote.revisions).joinedload(CaseNoteRevision.written_by))
            .order_by(CaseNote.noted_on.desc(), CaseNote.id.desc()))
    if not include_sensitive:
        stmt = stmt.where(CaseNote.is_sensitive.is_(False))
    return list(db.session.scalars(stmt).unique())
