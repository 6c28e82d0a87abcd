"""The one domain error type, and the error pages (which never leak internals)."""
from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _


class DomainError(Exception):
    """A business rule refused an action. field names the form field it belongs to, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The user may not do this (shown as 403)."""


class Conflict(DomainError):
    """Someone changed the record since it was opened."""


class Retry(Conflict):
    """The action met a simultaneous one (two cases given the same new reference, say): rolled
    back, it may simply be run again, which casework.forms.save does."""


def register(app: Flask) -> None:
    titles = {
        400: lambda: _("Bad request"),
        403: lambda: _("You do not have access to this page"),
        404: lambda: _("Page not found"),
        405: lambda: _("Method not allowed"),
        413: lambda: _("The upload is too large"),
        429: lambda: _("Too many requests"),
        500: lambda: _("Something went wrong"),
    }

    def make_handler(code):
        def handler(error):
            if code == 500:
                from casework.extensions import db

                db.session.rollback()
            return render_template("errors/error.html", code=code, title=titles[code]()), code

        return handler

    for code in titles:
        app.register_error_handler(code, make_handler(code))

    def not_allowed(error):
        return render_template("errors/error.html", code=403, title=titles[403](), message=error.message), 403

    app.register_error_handler(NotAllowed, not_allowed)

    from flask_wtf.csrf import CSRFError

    def form_refused(error):
        """Flask-WTF's own reason ("The CSRF token is missing.") is neither translated nor useful to a user."""
        return render_template("errors/error.html", code=400, title=_("The form was not accepted"),
                               message=_("The form expired or did not come from this site, so nothing was saved. "
                                         "Go back, reload the page and submit it again.")), 400

    app.register_error_handler(CSRFError, form_refused)
