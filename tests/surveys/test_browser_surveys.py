"""A survey recorded in a real browser at phone width: the form, the scores table and chart, and
the plan page the lowest dimension leads to, none wider than the screen."""
from __future__ import annotations

import json

import pytest

from casework.extensions import db
from casework.surveys.services import load_instrument
from tests import factories
from tests.browser_steps import login, open_tab, page_width
from tests.surveys.test_surveys import definition

pytestmark = pytest.mark.browser


@pytest.fixture
def surveyed(live_server):
    with live_server.app.app_context():
        o = factories.office()
        load_instrument(json.dumps(definition()).encode(), actor=o.admin)
        db.session.commit()
        live_server.case_id = o.ch_case.id
        live_server.marko = o.ch_case.principal.full_name
        db.session.remove()
    return live_server


def test_a_survey_recorded_on_a_phone_shows_its_scores_and_nothing_scrolls_sideways(surveyed, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    login(page, surveyed.url, "caseworker")
    case_url = f"{surveyed.url}/cases/{surveyed.case_id}"
    page.goto(case_url)
    open_tab(page, "Surveys")
    page.get_by_text("Record a survey: Test instrument").click()
    assert page.locator("h1").inner_text() == "Record a survey"
    assert page_width(page) <= 375
    page.select_option("#person", label=surveyed.marko)
    page.fill("#on_date", "2011-03-01")
    # income 0.5, debt 1, housing 0.5, services 1, belonging 0.5, wellbeing 0
    for name, option in {"income": "o2", "debt": "o1", "housing": "o1", "services": "o2", "belonging": "o1",
                         "wellbeing": "o0"}.items():
        page.check(f"input[name='answer_{name}'][value='{option}']")
    page.get_by_role("button", name="Save the survey").click()
    assert "Survey recorded for" in page.content()
    lowest = page.locator("table.scores td.lowest")
    assert lowest.count() == 1 and lowest.inner_text().startswith("0.25")
    assert page.locator("figure.survey-chart img").is_visible()
    assert page_width(page) <= 375
    page.get_by_text("Add a plan item in the Psychosocial dimension").click()
    assert page.locator("#item_type").input_value() == "psychosocial_individual"
    assert page_width(page) <= 375
    context.close()
