"""In a real browser: registering a family whose principal is already recorded shows the warning first."""
from __future__ import annotations

from datetime import date

import pytest

from casework.extensions import db
from tests import factories
from tests.browser_steps import fill_member, login

pytestmark = pytest.mark.browser


def test_register_a_returning_principal_shows_the_warning_with_a_link_before_saving(live_server, page):
    with live_server.app.app_context():
        office = factories.office()
        earlier = factories.case(office.ch, members=[factories.person("Đorđević", "Dragan", born=date(1975, 3, 12))])
        db.session.commit()
        earlier_id, earlier_reference = earlier.id, earlier.reference
        db.session.remove()

    login(page, live_server.url, "caseworker")
    page.get_by_role("link", name="Register a case").first.click()
    page.fill("#arrival_date", "2011-06-15")
    page.fill("#municipality", "Kraljevo")
    page.fill("#sending_country", "CH")
    fill_member(page, 0, "Djordjevic", "Dragan", "M", "1975", "principal")
    page.get_by_role("button", name="Add a family member").click()
    fill_member(page, 1, "Djordjevic", "Vesna", "F", "1977", "spouse")
    page.get_by_role("button", name="Register the case").click()

    warning = page.get_by_role("alert").filter(has_text="This person may already be recorded")
    warning.wait_for()
    link = warning.get_by_role("link", name=earlier_reference, exact=False)
    assert link.get_attribute("href") == f"/cases/{earlier_id}"
    assert page.locator("#members-1-given_name").input_value() == "Vesna"    # nothing lost, nothing saved

    warning.get_by_label("Returned again", exact=False).check()
    page.get_by_role("button", name="Register the case").click()
    page.wait_for_selector("text=registered with 2 members")
    assert page.locator("h1").inner_text().split()[0] != earlier_reference
