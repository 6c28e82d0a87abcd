"""Forms of the grant screens; the rules live in services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casework.documents import labels as document_labels
from casework.forms import LooseDateField, NoNulString, WholeNumberField
from casework.grants.labels import CATEGORY_LABELS, MODE_LABELS, OUTCOME_LABELS, STATUS_LABELS


class GrantForm(FlaskForm):
    category = SelectField(_l("Category"), choices=[(c.value, label) for c, label in CATEGORY_LABELS.items()],
                           validators=[DataRequired()])
    person_id = SelectField(_l("Beneficiary"), coerce=int, validators=[Optional()])
    plan = TextAreaField(_l("Plan or justification"), validators=[DataRequired(), Length(max=5000)])
    requested_amount = NoNulString(_l("Requested amount"), validators=[DataRequired(), Length(max=20)])
    version = HiddenField()


class DecisionForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=[(o.value, label) for o, label in OUTCOME_LABELS.items()],
                          validators=[DataRequired()])
    amount = NoNulString(_l("Approved amount (only when lower)"), validators=[Optional(), Length(max=20)])
    reason = TextAreaField(_l("Reason (required unless approved in full)"), validators=[Optional(), Length(max=5000)])
    authority_reference = NoNulString(_l("Donor's letter number"), validators=[Optional(), Length(max=100)])
    authority_letter_date = LooseDateField(_l("Date of the donor's letter"), validators=[Optional()])
    letter = FileField(document_labels.DONOR_LETTER_FILE)
    version = HiddenField()


class DisbursementForm(FlaskForm):
    paid_on = LooseDateField(_l("Paid on"), validators=[DataRequired()])
    amount = NoNulString(_l("Amount paid"), validators=[DataRequired(), Length(max=20)])
    mode = SelectField(_l("Mode"), choices=[(m.value, label) for m, label in MODE_LABELS.items()],
                       validators=[DataRequired()])
    receipt_reference = NoNulString(_l("Receipt reference"), validators=[Optional(), Length(max=100)])
    receipt = FileField(document_labels.RECEIPT_FILE)
    version = HiddenField()


class ReversalForm(FlaskForm):
    reason = NoNulString(_l("Why is this payment reversed?"), validators=[DataRequired(), Length(max=500)])
    reversed_on = LooseDateField(_l("Reversed on (empty: today)"), validators=[Optional()])


class ActionForm(FlaskForm):
    """Submit: just the version the user saw."""

    version = HiddenField()


class CancelForm(FlaskForm):
    reason = NoNulString(_l("Reason for cancelling"), validators=[DataRequired(), Length(max=500)])
    version = HiddenField()


class GrantFilterForm(FlaskForm):
    class Meta:
        csrf = False

    programme = SelectField(_l("Programme"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=[("", _l("Any status"))] + [(s.value, label) for s, label in STATUS_LABELS.items()],
                         validators=[Optional()])
    category = SelectField(_l("Category"),
                           choices=[("", _l("Any category"))] + [(c.value, label) for c, label in CATEGORY_LABELS.items()],
                           validators=[Optional()])
    period_from = LooseDateField(_l("Proposed from"), validators=[Optional()])
    period_to = LooseDateField(_l("Proposed until"), validators=[Optional()])
    page = WholeNumberField(validators=[Optional()])
