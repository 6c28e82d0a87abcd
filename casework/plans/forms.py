"""Forms of the plan page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casework.forms import LooseDateField, NoNulString
from casework.plans.labels import DIMENSION_LABELS, ITEM_STATUS_LABELS, PROVIDER_LABELS, TYPE_LABELS
from casework.plans.models import DIMENSION_TYPES


def type_choices() -> dict:
    """The types grouped by dimension (one <optgroup> each)."""
    return {str(DIMENSION_LABELS[d]): [(t.value, TYPE_LABELS[t]) for t in types] for d, types in DIMENSION_TYPES.items()}


class PlanItemForm(FlaskForm):
    person_id = SelectField(_l("For"), coerce=int, validators=[Optional()])
    item_type = SelectField(_l("Dimension and type"), validators=[DataRequired()])
    goal = TextAreaField(_l("Goal"), validators=[DataRequired(), Length(max=4000)])
    baseline = TextAreaField(_l("Baseline situation"), validators=[Optional(), Length(max=4000)])
    provider_kind = SelectField(_l("Provided by"), choices=[(k.value, label) for k, label in PROVIDER_LABELS.items()],
                                validators=[DataRequired()])
    estimated_cost = NoNulString(_l("Estimated cost"), validators=[Optional(), Length(max=20)])
    target_date = LooseDateField(_l("Target date"), validators=[Optional()])
    version = HiddenField()


class ItemStatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[(s.value, label) for s, label in ITEM_STATUS_LABELS.items()],
                         validators=[DataRequired()])
    reason = NoNulString(_l("Reason (when dropped)"), validators=[Optional(), Length(max=2000)])


class PlanActionForm(FlaskForm):
    version = HiddenField()


class PlanDecisionForm(FlaskForm):
    outcome = SelectField(_l("Decision"), choices=[("approved", _l("Approve the plan")),
                                                   ("sent_back", _l("Send it back for changes"))],
                          validators=[DataRequired()])
    comment = TextAreaField(_l("Comment (needed when sending back)"), validators=[Optional(), Length(max=4000)])
    version = HiddenField()


class LinkGrantForm(FlaskForm):
    grant_id = SelectField(_l("Grant"), coerce=int, validators=[DataRequired()])
