"""The interface language: which locale a request gets, and the switcher that sets it.

English is the source language; Serbian comes in Latin (``sr_Latn``) and Cyrillic
(``sr_Cyrl``). The choice follows one order: the user's saved setting, then the switcher's
choice for this session, then the browser's Accept-Language read with its script subtag,
then English. Only these three exact locale names are ever returned, so Flask-Babel (which
loads a single catalog, with no fallback chain) always finds the catalog meant.
"""
from __future__ import annotations

from flask import has_request_context, session

SUPPORTED_LOCALES = ["en", "sr_Latn", "sr_Cyrl"]
SESSION_KEY = "locale"
# What the switcher shows: each language named in itself, never translated.
SWITCHER = [("en", "English"), ("sr_Latn", "Srpski"), ("sr_Cyrl", "Српски")]
# Languages close enough that their readers take Serbian in Latin script (CLDR: sr alone is Cyrillic).
_LATIN_NEIGHBOURS = {"hr", "bs", "cnr", "sh"}


def locale_for_tag(tag: str) -> str | None:
    """One Accept-Language tag to a supported locale, or None when it names none of them.

    Werkzeug's best_match is not used: it maps "sr-Latn-RS" to nothing and "sr-RS" to
    whichever Serbian locale happens to be listed first.
    """
    parts = [p.lower() for p in tag.replace("_", "-").split("-") if p]
    if not parts:
        return None
    language, subtags = parts[0], parts[1:]
    if language == "en":
        return "en"
    if language in _LATIN_NEIGHBOURS:
        return "sr_Latn"
    if language in ("sr", "srp"):
        if "latn" in subtags:
            return "sr_Latn"
        return "sr_Cyrl"  # sr, sr-RS, sr-Cyrl*, sr-ME...: CLDR's default script for Serbian
    return None


def negotiate(accept_languages) -> str | None:
    """The best supported locale in an Accept-Language header's (tag, quality) pairs."""
    ranked = sorted(((q, -i, tag) for i, (tag, q) in enumerate(accept_languages) if q > 0), reverse=True)
    for _q, _i, tag in ranked:
        found = locale_for_tag(tag)
        if found:
            return found
    return None


def valid_locale(value) -> str | None:
    return value if value in SUPPORTED_LOCALES else None


def select_locale():
    if not has_request_context():
        return "en"  # the CLI and services called outside a request
    from flask import request
    from flask_login import current_user

    if current_user and current_user.is_authenticated and valid_locale(current_user.locale):
        return current_user.locale
    chosen = valid_locale(session.get(SESSION_KEY))
    if chosen:
        return chosen
    return negotiate(request.accept_languages) or "en"


def html_lang(locale) -> str:
    """The BCP 47 tag for <html lang> and the PDF: sr-Latn, sr-Cyrl, en."""
    return str(locale or "en").replace("_", "-")


def current_locale() -> str:
    """The locale in force (a request's, or one forced for a report), "en" outside the app."""
    from flask import has_app_context

    if not has_app_context():
        return "en"
    from flask_babel import get_locale

    try:
        locale = get_locale()
    except (AttributeError, RuntimeError):
        return "en"
    return str(locale) if locale is not None else "en"


def translated(labels: dict) -> dict:
    """A domain's labels in the reader's language, translated once: for a list whose every line
    shows one of them."""
    return {key: str(label) for key, label in labels.items()}
