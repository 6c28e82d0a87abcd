"""A form refused for its missing or stale CSRF token says so in the user's language."""
from __future__ import annotations

import pytest

from tests.helpers_i18n import untranslated

MESSAGES = {"en": "The form expired or did not come from this site, so nothing was saved.",
            "sr_Latn": "Formular je istekao ili nije poslat sa ovog sajta, pa ništa nije sačuvano.",
            "sr_Cyrl": "Формулар је истекао или није послат са овог сајта, па ништа није сачувано."}


@pytest.mark.parametrize("locale", ["en", "sr_Latn", "sr_Cyrl"])
@pytest.mark.parametrize("token", [None, "forged-token"])
def test_a_form_without_a_valid_token_is_refused_in_the_users_language(app, client, office, auth, locale, token):
    from sqlalchemy import func, select

    from casework.extensions import db
    from casework.tasks.models import Task

    tasks = db.session.scalar(select(func.count()).select_from(Task))
    client.post("/language", data={"locale": locale, "next": "/login"})
    auth.login("caseworker")
    app.config["WTF_CSRF_ENABLED"] = True
    data = {"title": "Call the family", "due_on": "2030-01-01"}
    if token:
        data["csrf_token"] = token
    response = client.post(f"/cases/{office.ch_case.id}/tasks", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert MESSAGES[locale] in html
    assert "CSRF" not in html
    if locale != "en":
        assert untranslated(html, locale) == []
    assert db.session.scalar(select(func.count()).select_from(Task)) == tasks
