"""The note form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from casework.forms import LooseDateField
from casework.notes.labels import KIND_LABELS


class NoteForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[(k.value, label) for k, label in KIND_LABELS.items()],
                       validators=[DataRequired()])
    noted_on = LooseDateField(_l("Date"), validators=[DataRequired()])
    text = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=20000)])
    is_sensitive = BooleanField(_l("Sensitive: show the text on the case page only"))
    version = HiddenField()
