"""A caseworker's path in a real browser (Debian's Chromium through Playwright)."""
from __future__ import annotations

import pytest

from tests.browser_steps import fill_member, login

pytestmark = pytest.mark.browser



def test_register_a_family_of_three_and_find_it(seeded, page):
    login(page, seeded.url, "caseworker")
    page.get_by_role("link", name="Register a case").first.click()
    page.fill("#arrival_date", "2011-06-15")
    page.fill("#municipality", "Novi Pazar")
    page.fill("#sending_country", "CH")
    fill_member(page, 0, "Hadžić", "Emir", "M", "1976", "principal")
    page.get_by_role("button", name="Add a family member").click()
    fill_member(page, 1, "Hadžić", "Selma", "F", "02.02.1979", "spouse")
    page.get_by_role("button", name="Add a family member").click()
    fill_member(page, 2, "Hadžić", "Amar", "M", "2005-09-01", "child")
    page.get_by_role("button", name="Register the case").click()

    page.wait_for_selector("text=registered with 3 members")
    reference = page.locator("h1").inner_text().split()[0]
    assert reference == "AVR-CH-2011-0001"
    assert page.locator("table.members tbody tr").count() == 3

    page.get_by_role("link", name="Cases").click()
    page.fill("#municipality", "Novi Pazar")
    page.get_by_role("button", name="Apply").click()
    row = page.locator("table.cases tbody tr", has_text=reference)
    assert row.count() == 1
    assert "Hadžić" in row.inner_text()


def test_invalid_form_shows_errors_in_the_browser(seeded, page):
    login(page, seeded.url, "caseworker")
    page.goto(seeded.url + "/cases/new")
    fill_member(page, 0, "", "Emir", "M", "19x6", "principal")
    page.get_by_role("button", name="Register the case").click()
    page.get_by_text("Nothing was saved").wait_for(state="visible")
    assert page.get_by_text("Use a year (1980) or a date").is_visible()
    assert page.input_value("#members-0-given_name") == "Emir"
