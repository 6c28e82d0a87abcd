"""Locale selection. English is the source language; Serbian (Latin and Cyrillic) follows."""
from flask import has_request_context, request

SUPPORTED_LOCALES = ["en", "sr_Latn", "sr_Cyrl"]


def select_locale():
    if not has_request_context():
        return "en"  # the CLI and services called outside a request
    return request.accept_languages.best_match(SUPPORTED_LOCALES) or "en"
