"""Template filters and globals: money, numbers, dates and times in the reader's locale and zone."""
from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal as babel_decimal
from flask import Flask
from flask_babel import format_datetime, format_decimal, format_percent, get_locale, get_timezone

from casework.auth import permissions
from casework.db import format_money
from casework.i18n import SWITCHER, current_locale, html_lang, translated
from casework.tasks.labels import title_of

# English pages keep ISO dates (unambiguous for the foreign officials who read them); Serbian
# pages use CLDR's own patterns ("07.03.2025.").
_TIME_PATTERNS = {"en": "yyyy-MM-dd HH:mm"}


def format_day(value) -> str:
    """A calendar date in the reader's locale."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if current_locale() == "en":
        return value.isoformat()  # long lists: str is much faster than Babel, same digits
    # CLDR's "dd.MM.yyyy." in Serbian, whose digits are the Latin ones in both scripts: written
    # directly, as Babel would, at a fraction of its cost in a long list.
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}."


def format_when(value) -> str:
    """The one way a moment is shown: in the office's zone (see zone_name), in the reader's locale."""
    if not value:
        return ""
    return format_datetime(value, _TIME_PATTERNS.get(current_locale(), "dd.MM.yyyy. HH:mm"))


def zone_name() -> str:
    """The zone format_when shows, by its city in the reader's language ("Belgrade", "Beograd")."""
    from babel.dates import get_timezone_location

    return get_timezone_location(get_timezone(), locale=current_locale(), return_city=True)


def format_number(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value  # already shown as text, e.g. a masked "<5"
    return format_decimal(value)


SHOWN_SCORE = Decimal("0.01")


def format_score(value) -> str:
    """A survey score (0 to 1) as shown: two decimals, rounded half up like the stored four, in the
    reader's locale; a withheld figure ("[c]") as it is."""
    if value is None or isinstance(value, str):
        return value or ""
    return format_decimal(Decimal(value).quantize(SHOWN_SCORE, rounding=ROUND_HALF_UP), format="0.00")


def format_every_digit(value) -> str:
    """A decimal (a definition's weight, a threshold) in the reader's locale, every digit kept."""
    return babel_decimal(Decimal(value).normalize(), locale=get_locale(), decimal_quantization=False)


def format_share(value) -> str:
    """A share (a fraction from 0 to 1) as a percentage with one decimal, in the reader's locale."""
    if value is None or isinstance(value, str):
        return value or ""
    return format_percent(Decimal(value), format="#,##0.0%")


def plural_count(value) -> int:
    """The number that picks a plural form: a withheld figure ("<5", "[c]") reads like many."""
    return value if isinstance(value, int) else 0


def register(app: Flask) -> None:
    permissions.install_default_deny(app)

    app.template_filter("money")(lambda amount, currency="": format_money(amount, currency))
    app.template_filter("day")(format_day)
    app.template_filter("when")(format_when)
    app.template_filter("num")(format_number)
    app.template_filter("score")(format_score)
    app.template_filter("share")(format_share)
    app.template_filter("task_title")(title_of)
    app.template_filter("plural_count")(plural_count)

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
        return {"current_locale": html_lang(current_locale())}

    from casework.audit.labels import action_label, change_lines, summary_line
    from casework.auth.labels import ROLE_LABELS
    from casework.auth.models import Role
    from casework.cases.labels import (
        RELATIONSHIP_LABELS,
        SEX_LABELS,
        VULNERABILITY_LABELS,
    )
    from casework.cases.tabs import case_tab_url

    app.jinja_env.globals.update(
        case_tab_url=case_tab_url,
        translated=translated,
        relationship_labels=RELATIONSHIP_LABELS,
        vulnerability_labels=VULNERABILITY_LABELS,
        sex_labels=SEX_LABELS,
        role_labels=ROLE_LABELS,
        action_label=action_label,
        change_lines=change_lines,
        summary_line=summary_line,
        zone_name=zone_name,
        language_switcher=SWITCHER,
        Role=Role,
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
