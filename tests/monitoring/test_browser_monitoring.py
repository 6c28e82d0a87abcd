"""Monitoring in a real browser, at phone width: a case arrives and its 3-month visit task appears;
the caseworker records the visit (plan progress, a grant "not as planned", a survey); the supervisor
sees the flag; the case page shows the scores chart; the report shows the visit and the survey round."""
from __future__ import annotations

import json
import re
from datetime import date

import pytest

from casework.extensions import db
from tests import factories
from tests.browser_steps import login, logout, open_tab, page_width

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}


@pytest.fixture
def monitored(live_server):
    from casework.cases.services import register_case
    from casework.monitoring.services import set_schedule
    from casework.programmes.services import update_programme
    from casework.surveys.services import load_instrument
    from tests.grants.helpers import approved as approved_grant
    from tests.plans.helpers import approved as approved_plan
    from tests.surveys.test_surveys import definition

    with live_server.app.app_context():
        o = factories.office()
        set_schedule(o.ch, date(2002, 7, 1), "3,6,12")
        update_programme(o.ch, {"sustainability_threshold": "0.5"})
        o.ch_case.caseworker_id = o.caseworker.id
        db.session.commit()
        approved_plan(o)
        live_server.grant_id = approved_grant(o).id
        load_instrument(json.dumps(definition()).encode())
        case = register_case(o.ch, {"arrival_date": date.today(), "municipality": "Niš", "sending_country": "CH",
                                    "caseworker_id": o.caseworker.id}, [factories.person("Nikolić", "Ana")],
                             actor=o.caseworker)
        db.session.commit()
        live_server.new_case_id = case.id
        live_server.case_id = o.ch_case.id
        db.session.remove()
    return live_server


def _fits(page, path):
    width = page_width(page)
    assert width <= PHONE["width"], (path, width)


def test_a_visit_from_its_task_to_the_supervisors_flag_and_the_scores_chart(monitored, browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    url = monitored.url
    login(page, url, "caseworker")
    page.goto(f"{url}/cases/{monitored.new_case_id}")
    _fits(page, "new case's overview")
    open_tab(page, "Monitoring")
    assert page.locator("#monitoring").get_by_text("Monitoring visit, 3 months after arrival").is_visible()
    _fits(page, "new case")
    page.goto(f"{url}/tasks/?view=open")
    assert page.get_by_text("Monitoring visit, 3 months after arrival").first.is_visible()

    page.goto(f"{url}/cases/{monitored.case_id}")
    open_tab(page, "Monitoring")
    page.get_by_role("link", name="Record a visit").click()
    page.wait_for_url(f"{url}/cases/{monitored.case_id}/visits/new")  # the form, not the page being left
    _fits(page, "visit form")
    page.select_option("#kind", "home")
    assert page.get_by_text("Open a bakery in Niš").is_visible()
    page.locator("select[name$='-status']").first.select_option("in_progress")
    grant = monitored.grant_id
    page.select_option(f"#grant-{grant}-use", "not_as_planned")
    page.fill(f"#grant-{grant}-done", "Bought a used car instead of the tractor")
    page.check(f"input[name='grant-{grant}-handover']")
    page.fill("#followup-0-title", "Ask for the car's receipt")
    page.fill("#followup-0-due_on", date.today().isoformat())
    page.locator("details.visit-row summary").first.click()
    for select in page.locator("details.visit-row").first.locator("select").all():
        select.select_option(index=2 if select.locator("option").count() > 2 else 1)
    page.get_by_role("button", name="Record the visit").click()
    page.wait_for_selector("text=Visit recorded.")
    assert page.locator("#monitoring").get_by_text("Bought a used car instead of the tractor").is_visible()
    _fits(page, "case's monitoring with a visit")
    open_tab(page, "Surveys")
    chart = page.locator("#surveys img")
    assert chart.count() == 1 and chart.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert page.locator("#surveys td.lowest").count() == 1
    _fits(page, "case's surveys")
    logout(page)

    login(page, url, "supervisor")
    page.goto(f"{url}/my-work/")
    page.get_by_role("link", name=f"Grant {grant}").first.click()
    page.wait_for_url(f"**/grants/{grant}*")
    page.get_by_text("Flagged for the supervisor:").wait_for(state="visible")  # fails if never shown
    _fits(page, "grant page")
    page.fill("textarea[name='resolution']", "Receipt seen; the car is used for the business")
    page.get_by_role("button", name="Record what was done").click()
    page.wait_for_selector("text=the grant's flag is cleared")

    # The report of the year so far: the visit (made outside the schedule, the case having arrived
    # before it was set), the grant checked and found not as planned, and the survey's round. One
    # person is too few for a donor's release, so the supervisor reads the exact figures.
    today = date.today()
    page.goto(f"{url}/reports/?programme=AVR-CH&from={today.year}-01-01&to={today.isoformat()}")
    visits = page.locator("#table-visits")
    assert visits.locator("tr", has_text="Visits made in the period").locator("td").nth(1).inner_text() == "1"
    assert visits.locator("tr", has_text="outside the schedule").locator("td").nth(1).inner_text() == "1"
    found = visits.locator("tr", has_text="Grants found not used as planned")
    assert found.locator("td").nth(1).inner_text() == "1"
    from casework.monitoring.services import survey_round
    from casework.surveys.labels import round_label

    with monitored.app.test_request_context():
        visit_round = str(round_label(survey_round(None, date(2010, 5, 1), today)))  # the case's arrival
    composite = page.locator("#table-survey_scores tr", has_text="Composite")
    assert composite.count() == 1 and composite.locator("td").first.inner_text() == visit_round
    # One survey: its mean and its median are its score.
    assert composite.locator("td").nth(2).inner_text() == "1"
    mean, median = composite.locator("td").nth(3).inner_text(), composite.locator("td").nth(4).inner_text()
    assert re.fullmatch(r"[01]\.\d\d", mean) and mean == median
    assert page.locator("#table-sustainability tr", has_text=visit_round).count() == 1
    _fits(page, "report")
    context.close()
