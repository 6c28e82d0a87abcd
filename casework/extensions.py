"""Flask extensions, created unbound and initialised in the application factory."""
from functools import cached_property

from flask import g
from flask_babel import Babel, Domain
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from casework.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()


class _RequestCatalogDomain(Domain):
    """Flask-Babel's message domain, keeping the request's catalog for the request. Flask-Babel
    finds it again for every message (the locale, then its name, then the cache), which costs a
    busy page a few thousand lookups; a forced locale (a donor report in its own language) is a
    different locale object, so it finds its own catalog."""

    def get_translations(self):
        try:
            state = g._flask_babel  # Flask-Babel's state of this request (or app context)
            kept_locale, kept = state.casework_catalog
            if kept_locale is state.babel_locale:
                return kept
        except AttributeError:
            pass
        translations = super().get_translations()
        state = g.get("_flask_babel") if g else None
        if state is not None and getattr(state, "babel_locale", None) is not None:
            state.casework_catalog = (state.babel_locale, translations)
        return translations


class _Babel(Babel):
    @cached_property
    def domain_instance(self):
        return _RequestCatalogDomain(domain=self.domain)


babel = _Babel()
