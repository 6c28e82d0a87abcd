"""Forms for logging in, sessions and changing one's password."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length

from casework.i18n import SUPPORTED_LOCALES


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


class LanguageForm(FlaskForm):
    locale = HiddenField(validators=[AnyOf(SUPPORTED_LOCALES)])
    next = HiddenField()


class ActionForm(FlaskForm):
    """A button that ends sessions: the CSRF token only."""


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=256)])
    new_password = PasswordField(_l("New password (at least 12 characters)"),
                                 validators=[DataRequired(), Length(max=256)])
    repeat = PasswordField(_l("New password again"), validators=[
        DataRequired(), EqualTo("new_password", _l("The two new passwords differ."))])
