"""Forms for logging in."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import AnyOf, DataRequired, Length

from casework.i18n import SUPPORTED_LOCALES


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


class LanguageForm(FlaskForm):
    locale = HiddenField(validators=[AnyOf(SUPPORTED_LOCALES)])
    next = HiddenField()
