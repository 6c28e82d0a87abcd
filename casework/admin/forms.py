"""Forms for managing users and programmes."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from casework.auth.models import Role
from casework.forms import (
    LooseDateField,
    MultiCheckboxField,
    NoNulString,
    WholeNumberField,
)

ROLE_CHOICES = [
    (Role.CASEWORKER.value, _l("Caseworker")),
    (Role.SUPERVISOR.value, _l("Supervisor")),
    (Role.DONOR.value, _l("Donor")),
    (Role.ADMIN.value, _l("Administrator")),
]


class UserForm(FlaskForm):
    username = NoNulString(_l("Username"), validators=[DataRequired(), Length(max=64)])
    full_name = NoNulString(_l("Full name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    programmes = MultiCheckboxField(_l("Programmes"), coerce=int)
    password = PasswordField(_l("Password (at least 12 characters)"), validators=[Optional(), Length(max=256)])


class EditUserForm(FlaskForm):
    full_name = NoNulString(_l("Full name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    programmes = MultiCheckboxField(_l("Programmes"), coerce=int)


class PasswordForm(FlaskForm):
    password = PasswordField(_l("New password (at least 12 characters)"), validators=[DataRequired(), Length(max=256)])


class ConfirmForm(FlaskForm):
    pass


class ProgrammeForm(FlaskForm):
    code = NoNulString(_l("Code"), validators=[DataRequired(), Length(max=20)])
    name = NoNulString(_l("Name"), validators=[DataRequired(), Length(max=200)])
    donor = NoNulString(_l("Donor"), validators=[DataRequired(), Length(max=200)])
    currency = NoNulString(_l("Currency"), validators=[DataRequired(), Length(min=3, max=3)])
    start_date = LooseDateField(_l("Start date"), validators=[DataRequired()])
    end_date = LooseDateField(_l("End date (empty if open-ended)"), validators=[Optional()])
    decision_authority = SelectField(
        _l("Who decides on reintegration assistance"),
        choices=[("office", _l("The office's supervisor")), ("donor", _l("The donor"))],
    )
    budget = NoNulString(_l("Budget (empty for none)"), validators=[Optional(), Length(max=20)])
    report_language = SelectField(
        _l("Language of donor reports"),
        choices=[("", _l("The reader's language")), ("en", "English"), ("sr_Latn", "Srpski (latinica)"),
                 ("sr_Cyrl", "Српски (ћирилица)")],
        default="",
    )
    small_cell_threshold = WholeNumberField(
        _l("Donors never see a count below (at least 3; 5 if left empty)"), default=5,
        validators=[Optional(), NumberRange(min=3, max=100)]
    )
    release_calendar = MultiCheckboxField(
        _l("Periods donors receive figures for"), default=["year"],
        choices=[("year", _l("Years")), ("half", _l("Half-years")), ("quarter", _l("Quarters")),
                 ("month", _l("Months"))],
    )
    plan_due_days = WholeNumberField(_l("Reintegration plan due, days after arrival"),
                                     validators=[Optional(), NumberRange(min=1, max=366)], default=30)
    plan_item_required = BooleanField(_l("A grant must fund an item of the approved plan before it is submitted"))
    sustainability_threshold = NoNulString(
        _l("Sustainability threshold: the composite survey score, 0 to 1, the report counts returnees at or "
           "above (empty for none)"), validators=[Optional(), Length(max=20)])


class CapForm(FlaskForm):
    valid_from = LooseDateField(_l("In force from"), validators=[DataRequired()])
    per_person = NoNulString(_l("Cap per person"), validators=[Optional(), Length(max=20)])
    per_case = NoNulString(_l("Cap per case"), validators=[Optional(), Length(max=20)])


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    username = NoNulString(_l("Person (username)"), validators=[Optional(), Length(max=64)])
    entity_type = SelectField(_l("Entity"), validators=[Optional()])
    entity_id = WholeNumberField(_l("Entity number"), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])
    action = SelectField(_l("Action"), validators=[Optional()])
    programme = SelectField(_l("Programme"), validators=[Optional()])
    start = LooseDateField(_l("From (UTC)"), validators=[Optional()])
    end = LooseDateField(_l("To (UTC)"), validators=[Optional()])

    def validate_end(self, field):
        if self.start.date and field.date and field.date < self.start.date:
            raise ValidationError(_l("The end of the period lies before its start."))
