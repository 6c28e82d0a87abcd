"""Which language a browser gets: its Accept-Language read with the script subtag."""
from __future__ import annotations

import pytest

from casework.i18n import negotiate

pytestmark = pytest.mark.database_independent


@pytest.mark.parametrize("header, locale, heading", [
    ("sr-Latn-RS,sr;q=0.9,en;q=0.8", "sr-Latn", "Prijava"),   # Werkzeug's best_match says en
    ("sr-Latn", "sr-Latn", "Prijava"),
    ("sr-latn-ba", "sr-Latn", "Prijava"),
    ("sr_Latn_RS", "sr-Latn", "Prijava"),                     # Flask-Babel alone would load sr (Cyrillic)
    ("sr", "sr-Cyrl", "Пријава"),                              # CLDR: sr alone is Cyrillic
    ("sr-RS", "sr-Cyrl", "Пријава"),
    ("sr-Cyrl", "sr-Cyrl", "Пријава"),
    ("sr-Cyrl-RS,en;q=0.5", "sr-Cyrl", "Пријава"),
    ("sr-ME", "sr-Cyrl", "Пријава"),
    ("hr-HR,hr;q=0.9", "sr-Latn", "Prijava"),
    ("bs", "sr-Latn", "Prijava"),
    ("cnr", "sr-Latn", "Prijava"),
    ("en-GB,en;q=0.9", "en", "Log in"),
    ("de-CH,de;q=0.9", "en", "Log in"),                        # nothing offered: English
    ("de,sr-Latn;q=0.5", "sr-Latn", "Prijava"),
    ("en;q=0.4,sr-Cyrl;q=0.8", "sr-Cyrl", "Пријава"),           # quality wins over order
    ("", "en", "Log in"),
])
def test_accept_language_chooses_the_script(client, header, locale, heading):
    page = client.get("/login", headers={"Accept-Language": header} if header else {})
    html = page.get_data(as_text=True)
    assert f'<html lang="{locale}">' in html
    assert f"<h1>{heading}</h1>" in html


def test_negotiate_ignores_languages_refused_with_quality_zero():
    assert negotiate([("sr-Latn", 0), ("en", 0.1)]) == "en"
