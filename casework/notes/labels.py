"""Words on screen for case notes."""
from flask_babel import lazy_gettext as _l

from casework.notes.models import NoteKind

KIND_LABELS = {
    NoteKind.VISIT: _l("Visit"),
    NoteKind.PHONE_CALL: _l("Phone call"),
    NoteKind.OFFICE_MEETING: _l("Office meeting"),
    NoteKind.OTHER: _l("Other"),
}
NOTES = _l("Notes")
SENSITIVE = _l("Sensitive")
