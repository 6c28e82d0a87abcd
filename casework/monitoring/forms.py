"""Forms for monitoring: a programme's schedule, a visit's fixed fields, dealing with a flag.

A visit's findings per member, plan item, grant and next step are named by their row
(member-<id>, item-<id>-status, grant-<id>-use, followup-<n>-title, ...) and read in the view;
the service checks every one of them."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casework.forms import LooseDateField, NoNulString
from casework.monitoring.labels import KIND_LABELS


class ScheduleForm(FlaskForm):
    applies_from = LooseDateField(_l("For cases arriving from"), validators=[DataRequired()])
    months = NoNulString(_l("Visits, months after arrival"), validators=[DataRequired(), Length(max=100)],
                         description=_l("Separated by commas, e.g. 3, 6, 12"))


class VisitForm(FlaskForm):
    visited_on = LooseDateField(_l("Date of the visit"), validators=[DataRequired()])
    kind = SelectField(_l("How"), choices=[(k.value, label) for k, label in KIND_LABELS.items()],
                       validators=[DataRequired()])
    visited_by = NoNulString(_l("Who visited"), validators=[DataRequired(), Length(max=200)])
    scheduled_visit_id = SelectField(_l("Answers the scheduled visit"), coerce=int, validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])


class ResolveForm(FlaskForm):
    resolution = TextAreaField(_l("What was done about it"), validators=[DataRequired(), Length(max=2000)])
