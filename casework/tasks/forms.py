"""Task forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired, Length, Optional

from casework.forms import LooseDateField, NoNulString


class TaskForm(FlaskForm):
    title = NoNulString(_l("What is to be done"), validators=[DataRequired(), Length(max=200)])
    due_on = LooseDateField(_l("Due on"), validators=[DataRequired()])
    assignee_id = SelectField(_l("Assigned to"), coerce=int, validators=[Optional()])


class CloseTaskForm(FlaskForm):
    status = SelectField(_l("Mark"), choices=[("done", _l("Done")), ("cancelled", _l("Cancelled"))],
                         validators=[DataRequired()])
    version = HiddenField()
