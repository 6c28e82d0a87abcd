"""A supervisor's report, submitted and read by the donor, in a real browser."""
from __future__ import annotations

import pytest

from tests.browser_steps import login

pytestmark = pytest.mark.browser


def test_supervisor_submits_a_report_the_donor_reads(seeded, page, browser):
    login(page, seeded.url, "supervisor")
    page.get_by_role("link", name="Reports").first.click()
    page.select_option("#programme", "AVR-CH")
    page.fill("#period", "2010")
    page.get_by_role("button", name="Show report").click()
    assert page.locator("#headline-persons").inner_text() == "2"
    charts = page.locator("figure.chart img")
    assert charts.count() == 4
    # The SVG charts load under the page's Content-Security-Policy and have a size.
    assert all(w > 100 for w in charts.evaluate_all("imgs => imgs.map(i => i.naturalWidth)"))
    page.get_by_role("button", name="Submit this report to Swiss Federal Office for Migration").click()
    page.wait_for_selector("text=Report 2010 submitted")
    assert page.locator("#no-changes").count() == 1

    donor = browser.new_context().new_page()
    login(donor, seeded.url, "donor.ch")
    donor.get_by_role("link", name="Reports").first.click()
    donor.get_by_role("link", name="2010").click()
    assert "Submitted report AVR-CH, 2010" in donor.locator("h1").inner_text()
    with donor.expect_download() as download:
        donor.get_by_role("link", name="XLSX").click()
    assert download.value.suggested_filename == "report-AVR-CH-2010-submitted.xlsx"
