"""The correction path in a real browser: a wrong payment, reversed by a second person, and the
report's disbursed figure is the net of the two entries and the right payment."""
from __future__ import annotations

import re
from datetime import date

import pytest

from casework.extensions import db
from casework.grants import services
from tests import factories
from tests.browser_steps import login, logout

pytestmark = pytest.mark.browser


@pytest.fixture
def approved_uk_grant(live_server):
    with live_server.app.app_context():
        o = factories.office()
        grant = services.create_grant(o.uk_case, {"category": "household", "person_id": o.uk_case.principal.id,
                                                  "plan": "Furniture and a stove.", "requested_amount": "500"},
                                      actor=o.caseworker_uk)
        services.submit_grant(grant, actor=o.caseworker_uk)
        services.decide(grant, o.supervisor, "approved")
        db.session.commit()
        live_server.grant_id = grant.id
        db.session.remove()
    return live_server


def _pay_as(page, url, grant_url, username, amount, receipt, done):
    login(page, url, username)
    page.goto(grant_url)
    page.get_by_label("Paid on").fill(date.today().isoformat())
    page.get_by_label("Amount paid").fill(amount)
    page.get_by_label("Receipt reference").fill(receipt)
    page.get_by_role("button", name="Record the payment").click()
    page.wait_for_selector(f"text={done}")


def _disbursed_total(page) -> str:
    return page.locator("#table-grants tbody tr").last.locator("td").last.inner_text()


def test_a_wrong_payment_is_reversed_by_a_second_user_and_the_report_shows_the_net(approved_uk_grant, page):
    url, grant_url = approved_uk_grant.url, f"{approved_uk_grant.url}/grants/{approved_uk_grant.grant_id}"
    _pay_as(page, url, grant_url, "caseworker.uk", "500", "WRONG-FAMILY", "fully paid and completed")
    assert page.get_by_role("button", name="Reverse this payment").count() == 0  # not by who recorded it
    logout(page)

    login(page, url, "supervisor2")
    page.goto(grant_url)
    page.get_by_label("Why is this payment reversed?").fill("Paid to the wrong family")
    page.get_by_role("button", name="Reverse this payment").click()
    page.wait_for_selector("text=Payment reversed")
    rows = page.locator("table.disbursements tbody tr")
    assert rows.count() == 2
    assert "500.00" in rows.nth(0).inner_text() and "Reversed" in rows.nth(0).inner_text()
    reversal = rows.nth(1).inner_text()
    assert re.search(r"-\D{0,5}500\.00", reversal) and "Paid to the wrong family" in reversal  # -GBP 500.00
    logout(page)

    _pay_as(page, url, grant_url, "caseworker.uk", "300", "RIGHT-1", "Payment recorded")
    logout(page)

    login(page, url, "supervisor")
    page.get_by_role("link", name="Reports").first.click()
    page.select_option("#programme", "VARRP-UK")
    page.fill("#period", str(date.today().year))
    page.get_by_role("button", name="Show report").click()
    total = _disbursed_total(page)
    assert "300.00" in total and "800.00" not in total
