"""The whole grant path in a real browser: propose, submit, supervisor, donor letter, two tranches."""
from __future__ import annotations

from datetime import date

import pytest

from casework.extensions import db
from tests import factories
from tests.browser_steps import login, logout, open_tab

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded(live_server):
    with live_server.app.app_context():
        o = factories.office()
        case_id = o.ch_case.id
        db.session.remove()
    live_server.case_id = case_id
    return live_server


def test_grant_from_proposal_to_completion(seeded, page):
    url = seeded.url
    login(page, url, "caseworker")
    page.goto(f"{url}/cases/{seeded.case_id}")
    open_tab(page, "Grants")
    page.get_by_text("Propose a grant").click()  # the form on the case page's grants
    page.get_by_label("Category").select_option("business")
    page.get_by_label("Beneficiary").select_option(label="Marko Petrović")
    page.get_by_label("Plan or justification").fill("Buy a used tractor to work the family land.")
    page.get_by_label("Requested amount").fill("3000")
    page.get_by_role("button", name="Propose the grant").click()
    page.wait_for_selector("text=Grant proposed as a draft")
    grant_url = page.url
    page.get_by_role("button", name="Submit for decision").click()
    page.wait_for_selector("text=Grant submitted")
    logout(page)

    login(page, url, "supervisor")
    assert page.locator("#grants-awaiting").inner_text() == "1"
    page.get_by_role("link", name="Awaiting my decision").first.click()
    page.locator("table.queue a").first.click()
    page.get_by_role("link", name="Decide").click()
    page.get_by_label("Outcome").select_option("approved")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_selector("text=Decision recorded")
    assert "Awaiting donor decision" in page.locator("h1").inner_text()
    logout(page)

    login(page, url, "supervisor2")
    page.goto(grant_url)
    page.get_by_role("link", name="Record the donor decision").click()
    page.get_by_label("Outcome").select_option("approved")
    page.get_by_label("Donor's letter number").fill("FOM-2011-0457")
    page.get_by_label("Date of the donor's letter").fill(date.today().isoformat())
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_selector("text=Decision recorded")
    assert "Approved" in page.locator("h1").inner_text()
    logout(page)

    login(page, url, "caseworker")
    page.goto(grant_url)
    for amount, receipt in (("1500", "R-1"), ("1500.00", "R-2")):
        page.get_by_label("Paid on").fill(date.today().isoformat())
        page.get_by_label("Amount paid").fill(amount)
        page.get_by_label("Mode").select_option("in_kind")
        page.get_by_label("Receipt reference").fill(receipt)
        page.get_by_role("button", name="Record the payment").click()
        page.wait_for_selector("text=Payment recorded")
    assert "Completed" in page.locator("h1").inner_text()
    assert page.locator("table.disbursements tbody tr").count() == 2
    assert "CHF 3,000.00" in page.locator("dl.facts").inner_text()

    steps = page.locator("ol.grant-timeline li").all_inner_texts()
    expected = [("caseworker", "grant proposed"), ("caseworker", "grant submitted"),
                ("supervisor", "grant decided\nStatus: Submitted → Awaiting donor decision; Step: Supervisor review; "
                               "Outcome: Approved in full; Approved amount: 3,000.00"),
                ("supervisor2", "grant decided\nStatus: Awaiting donor decision → Approved; Step: Donor decision; "
                                "Outcome: Approved in full; Approved amount: 3,000.00; "
                                "Donor's letter number: FOM-2011-0457"),
                ("caseworker", "disbursement recorded\nAmount: 1,500.00"),
                ("caseworker", "disbursement recorded\nAmount: 1,500.00"), ("caseworker", "grant completed")]
    assert len(steps) == len(expected), steps
    for text, (author, what) in zip(steps, expected):
        assert f"{author} — {what}" in text, text
