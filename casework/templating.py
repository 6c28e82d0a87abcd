"""Template filters and globals: money, dates and times in the reader's zone, permissions."""
from __future__ import annotations

from datetime import date

from flask import Flask
from flask_babel import format_date, format_datetime

from casework.auth import permissions
from casework.db import format_money


def register(app: Flask) -> None:
    permissions.install_default_deny(app)

    @app.template_filter("money")
    def money_filter(amount, currency=""):
        return format_money(amount, currency)

    @app.template_filter("day")
    def day_filter(value):
        if not value:
            return ""
        if type(value) is date:  # ISO digits in every locale; Babel is slow in long lists
            return value.isoformat()
        return format_date(value, "yyyy-MM-dd")

    @app.template_filter("when")
    def when_filter(value):
        return format_datetime(value, "yyyy-MM-dd HH:mm") if value else ""

    @app.context_processor
    def navigation():
        from flask_login import current_user

        if not current_user.is_authenticated:
            return {"nav_items": []}
        items = [(endpoint, label) for endpoint, label, roles in app.extensions["nav"]
                 if roles is None or current_user.role in roles]
        return {"nav_items": items}

    @app.context_processor
    def locale():
        from flask_babel import get_locale

        return {"current_locale": str(get_locale() or "en").replace("_", "-")}

    from casework.cases.forms import RELATIONSHIP_LABELS, VULNERABILITY_LABELS

    app.jinja_env.globals.update(
        relationship_labels=RELATIONSHIP_LABELS,
        vulnerability_labels=VULNERABILITY_LABELS,
        Role=__import__("casework.auth.models", fromlist=["Role"]).Role,
    )

    @app.after_request
    def security_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        from flask_login import current_user

        if current_user and current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response
