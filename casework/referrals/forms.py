"""Forms for providers and referrals."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casework.forms import LooseDateField, NoNulString
from casework.referrals.labels import PROVIDER_TYPE_LABELS


class ProviderForm(FlaskForm):
    name = NoNulString(_l("Name"), validators=[DataRequired(), Length(max=200)])
    provider_type = SelectField(_l("Kind"), choices=[(t.value, label) for t, label in PROVIDER_TYPE_LABELS.items()])
    municipality = NoNulString(_l("Municipality"), validators=[Optional(), Length(max=100)])
    services = TextAreaField(_l("Services offered"), validators=[DataRequired(), Length(max=4000)])
    contact = TextAreaField(_l("Contact"), validators=[Optional(), Length(max=1000)])
    is_active = BooleanField(_l("Offered for new referrals"), default=True)


class ReferralForm(FlaskForm):
    provider_id = SelectField(_l("Service provider"), coerce=int, validators=[DataRequired()])
    consent = BooleanField(_l("The returnee consents to share their data with this provider"))
    consent_person_id = SelectField(_l("Consent given by"), coerce=int, validators=[Optional()])
    consent_on = LooseDateField(_l("Consent given on"), validators=[Optional()])
    sent_on = LooseDateField(_l("Sent on"), validators=[Optional()])


class AnswerForm(FlaskForm):
    status = SelectField(_l("Answer"), choices=[("accepted", _l("Accepted")), ("refused", _l("Refused")),
                                               ("done", _l("Service done"))], validators=[DataRequired()])
    on_date = LooseDateField(_l("On"), validators=[DataRequired()])
    feedback = TextAreaField(_l("The provider's feedback"), validators=[Optional(), Length(max=4000)])
    version = HiddenField()
