"""Form pieces shared across domains."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectMultipleField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from casework.dates import parse_birth, parse_date


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NoNulString(StringField):
    """A text field that strips surrounding spaces and refuses control characters."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = self.data.strip()

    def pre_validate(self, form):
        if self.data and any(ord(ch) < 32 and ch not in "\t\r\n" for ch in self.data):
            raise ValidationError(_l("Remove the control characters from this field."))


class LooseDateField(NoNulString):
    """A date typed as YYYY-MM-DD or DD.MM.YYYY; .date holds the parsed value."""

    date = None

    def pre_validate(self, form):
        super().pre_validate(form)
        self.date = None
        if self.data:
            self.date = parse_date(self.data)
            if self.date is None:
                raise ValidationError(_l("Use a date like 2011-12-31 or 31.12.2011."))


class BirthField(NoNulString):
    """A date of birth that may be a bare year; .parsed holds (year, date or None)."""

    parsed = None

    def pre_validate(self, form):
        super().pre_validate(form)
        self.parsed = None
        if self.data:
            self.parsed = parse_birth(self.data)
            if self.parsed is None:
                raise ValidationError(_l("Use a year (1980) or a date (1980-05-04 or 04.05.1980)."))


def apply_domain_error(form, error) -> bool:
    """Show a service's DomainError next to its field; returns True if a field took it."""
    name = error.field or ""
    parts = name.split("-")
    target = form
    try:
        if len(parts) == 3 and parts[0] in form._fields:
            target = form[parts[0]].entries[int(parts[1])].form
            name = parts[2]
        if name in target._fields and target[name].type != "FieldList":
            field = target[name]
            field.errors = list(field.errors or []) + [error.message]
            return True
    except (IndexError, ValueError, KeyError):
        pass
    form.form_errors.append(error.message)
    return False


def int_or_none(value) -> int | None:
    """A whole number from a form or query value, or None for anything else."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def save(form, action):
    """Run a service call in one transaction (casework.transactions); on a refusal show it on the form.

    Returns (result, None) when saved and (None, error) when a rule refused it. A NotAllowed is
    raised on, so the user gets the 403 page rather than a form error.
    """
    from casework.errors import DomainError, NotAllowed
    from casework.transactions import run_in_transaction

    try:
        return run_in_transaction(action), None
    except NotAllowed:
        raise
    except DomainError as error:
        apply_domain_error(form, error)
        return None, error


def error_status(error) -> int:
    """409 when someone changed the record since it was opened, 422 for any other refusal."""
    from casework.errors import Conflict

    return 409 if isinstance(error, Conflict) else 422


def save_and_flash(action, success: str) -> bool:
    """For one-button actions that return to the page they came from: run the service call in
    one transaction, then flash `success`, or flash the refusal. True when saved."""
    from flask import flash

    from casework.errors import DomainError
    from casework.transactions import run_in_transaction

    try:
        run_in_transaction(action)
    except DomainError as error:
        flash(error.message, "error")
        return False
    flash(success, "success")
    return True


class WholeNumberField(IntegerField):
    """An integer that fits a database integer: a 400-digit number is refused as bad input here,
    before validators such as NumberRange (which would overflow turning it into a float)."""

    LIMIT = 2**31 - 1

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) > self.LIMIT:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))
