"""Numbers and dates at the edge of what Python and the database hold are refused as bad input."""
from __future__ import annotations

import pytest

from casework.db import MoneyError, to_money


@pytest.mark.parametrize("text", ["1e309", "9" * 400, "-1e400", "1e13"])
def test_an_amount_beyond_any_budget_is_refused_not_crashed_on(text):
    with pytest.raises(MoneyError):
        to_money(text)


def test_a_programme_form_with_enormous_numbers_is_refused_with_a_message(office, client, auth):
    auth.login("admin")
    base = {"code": "X1", "name": "x", "donor": "d", "currency": "CHF", "start_date": "2010-01-01",
            "decision_authority": "office"}
    for field, value in (("small_cell_threshold", "9" * 400), ("budget", "1e309")):
        response = client.post("/admin/programmes/new", data={**base, field: value})
        assert response.status_code == 422, (field, response.status_code)
        assert "Programme X1" not in response.get_data(as_text=True)


def test_the_audit_search_to_the_last_day_of_the_calendar(office, client, auth):
    auth.login("admin")
    assert client.get("/admin/audit?start=9999-12-31&end=9999-12-31").status_code == 200
    assert client.get("/admin/audit?entity_id=" + "9" * 400).status_code == 400
