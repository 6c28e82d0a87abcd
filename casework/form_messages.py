"""WTForms' own messages, translated in the application's catalogs.

WTForms ships a Serbian catalog in Latin script only, which a Cyrillic page would show; so forms
take their translations from the application's catalogs instead (install()). The constants
below are never read: they put WTForms' messages into the catalogs' template for translation.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

MESSAGES = (
    _l("This field is required."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid date value."),
    _l("Invalid input."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Invalid CSRF Token."),
    _l("CSRF token missing."),
    _l("CSRF failed."),
    _l("CSRF token expired."),
    lazy_ngettext("Field must be at least %(min)d character long.",
                  "Field must be at least %(min)d characters long.", 1),
    lazy_ngettext("Field cannot be longer than %(max)d character.",
                  "Field cannot be longer than %(max)d characters.", 1),
    lazy_ngettext("Field must be exactly %(max)d character long.",
                  "Field must be exactly %(max)d characters long.", 1),
    lazy_ngettext("'%(value)s' is not a valid choice for this field.",
                  "'%(value)s' are not valid choices for this field.", 1),
)


class _CatalogTranslations:
    """WTForms' translations interface over Flask-Babel (the request's locale and catalog)."""

    def gettext(self, string):
        from flask_babel import get_translations

        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        from flask_babel import get_translations

        return get_translations().ungettext(singular, plural, n)


TRANSLATIONS = _CatalogTranslations()


def install() -> None:
    """Every form, FlaskForm or plain WTForms (the family-member rows), uses the catalogs."""
    from flask_wtf import FlaskForm
    from wtforms.meta import DefaultMeta

    def get_translations(self, form):
        return TRANSLATIONS

    DefaultMeta.get_translations = get_translations
    FlaskForm.Meta.get_translations = get_translations
