"""Forms for registering and editing cases and persons."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casework.cases.models import CaseStatus, Relationship, Sex, Vulnerability
from casework.cases.queries import SORTS, CaseFilters
from casework.forms import BirthField, LooseDateField, MultiCheckboxField, NoNulString, WholeNumberField

SEX_CHOICES = [(Sex.F.value, _l("Female")), (Sex.M.value, _l("Male")), (Sex.X.value, _l("Other / not stated"))]
RELATIONSHIP_CHOICES = [
    (Relationship.PRINCIPAL.value, _l("Principal applicant")),
    (Relationship.SPOUSE.value, _l("Spouse")),
    (Relationship.CHILD.value, _l("Child")),
    (Relationship.PARENT.value, _l("Parent")),
    (Relationship.SIBLING.value, _l("Sibling")),
    (Relationship.OTHER.value, _l("Other relative")),
]
VULNERABILITY_CHOICES = [
    (Vulnerability.UNACCOMPANIED_MINOR.value, _l("Unaccompanied minor")),
    (Vulnerability.MEDICAL.value, _l("Medical needs")),
    (Vulnerability.DISABILITY.value, _l("Disability")),
    (Vulnerability.TRAFFICKING_VICTIM.value, _l("Victim of trafficking")),
    (Vulnerability.SINGLE_PARENT.value, _l("Single parent")),
    (Vulnerability.OLDER_PERSON.value, _l("Older person")),
]
STATUS_LABELS = {
    CaseStatus.REFERRED: _l("Referred"),
    CaseStatus.ARRIVED: _l("Arrived"),
    CaseStatus.REINTEGRATION: _l("Reintegration in progress"),
    CaseStatus.MONITORING: _l("Monitoring"),
    CaseStatus.CLOSED: _l("Closed"),
    CaseStatus.WITHDRAWN: _l("Withdrawn"),
}


class PersonFields(Form):
    family_name = NoNulString(_l("Family name"), validators=[DataRequired(), Length(max=100)])
    given_name = NoNulString(_l("Given name"), validators=[DataRequired(), Length(max=100)])
    sex = SelectField(_l("Sex"), choices=SEX_CHOICES, validators=[DataRequired()])
    birth = BirthField(_l("Date of birth (year, or full date)"), validators=[DataRequired(), Length(max=10)])
    relationship = SelectField(_l("Relationship to the principal"), choices=RELATIONSHIP_CHOICES)
    nationality = NoNulString(_l("Nationality (country code)"), validators=[Optional(), Length(max=3)])
    travelled = BooleanField(_l("Travelled"), default=True)
    vulnerabilities = MultiCheckboxField(_l("Vulnerabilities"), choices=VULNERABILITY_CHOICES)


class MemberRow(PersonFields):
    remove = BooleanField(_l("Remove this member"))


class CaseFields(FlaskForm):
    legacy_reference = NoNulString(_l("Legacy reference"), validators=[Optional(), Length(max=60)])
    sending_country = NoNulString(_l("Sending country (code)"), validators=[Optional(), Length(max=2)])
    municipality = NoNulString(_l("Municipality of return"), validators=[Optional(), Length(max=100)])
    caseworker_id = SelectField(_l("Caseworker"), coerce=int, validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=10000)])


class RegisterCaseForm(CaseFields):
    programme_id = SelectField(_l("Programme"), coerce=int, validators=[DataRequired()])
    arrival_date = LooseDateField(_l("Arrival date (leave empty if not yet returned)"), validators=[Optional()])
    members = FieldList(FormField(MemberRow), min_entries=1, max_entries=30)


class EditCaseForm(CaseFields):
    arrival_date = LooseDateField(_l("Arrival date"), validators=[Optional()])
    version = HiddenField()


class PersonForm(FlaskForm, PersonFields):
    version = HiddenField()


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), validators=[DataRequired()])
    arrival_date = LooseDateField(_l("Arrival date (when arriving)"), validators=[Optional()])
    version = HiddenField()


class CaseFilterForm(FlaskForm):
    class Meta:
        csrf = False

    programme = SelectField(_l("Programme"), coerce=str, validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    municipality = NoNulString(_l("Municipality"), validators=[Optional(), Length(max=100)])
    arrived_from = LooseDateField(_l("Arrived from"), validators=[Optional()])
    arrived_to = LooseDateField(_l("Arrived to"), validators=[Optional()])
    sort = SelectField(_l("Sort by"), validators=[Optional()])
    page = WholeNumberField(validators=[Optional()])

SORT_LABELS = {
    "arrival_desc": _l("Latest arrival first"),
    "arrival_asc": _l("Earliest arrival first"),
    "reference": _l("Reference"),
    "newest": _l("Newest registration"),
}


def read_case_filters(args, user) -> tuple[CaseFilterForm, CaseFilters]:
    """The case list's filters from a query string: the one reader of the list and its export,
    so that a download holds exactly the cases the screen shows (the search text included)."""
    from casework.auth.permissions import programmes_for

    form = CaseFilterForm(args)
    form.programme.choices = [("", _l("All programmes"))] + [(p.code, p.code) for p in programmes_for(user)]
    form.status.choices = [("", _l("Any status"))] + [(s.value, STATUS_LABELS[s]) for s in CaseStatus]
    form.sort.choices = list(SORT_LABELS.items())
    query = " ".join((args.get("q") or "").split()) or None
    if not form.validate():
        return form, CaseFilters(query=query)
    return form, CaseFilters(
        programme_code=form.programme.data or None,
        # Optional() lets a blank-looking value past the choice check: treat it as "any".
        status=CaseStatus(form.status.data) if (form.status.data or "").strip() else None,
        municipality=form.municipality.data or None,
        arrived_from=form.arrived_from.date,
        arrived_to=form.arrived_to.date,
        sort=form.sort.data if form.sort.data in SORTS else "arrival_desc",
        query=query,
    )


RELATIONSHIP_LABELS = {Relationship(value): label for value, label in RELATIONSHIP_CHOICES}
VULNERABILITY_LABELS = {Vulnerability(value): label for value, label in VULNERABILITY_CHOICES}
