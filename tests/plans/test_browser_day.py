"""A caseworker's day in a real browser: from arrival to closure, and the pages at phone width."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta

import pytest

from casework.extensions import db
from tests import factories
from tests.browser_steps import login, logout, open_tab, page_width

pytestmark = pytest.mark.browser
SENSITIVE = "She fears her former husband"


@pytest.fixture
def day(live_server):
    from casework.referrals.services import create_provider

    with live_server.app.app_context():
        o = factories.office()
        o.ch_case.caseworker_id = o.caseworker.id
        create_provider({"name": "Centre for Social Work Niš", "provider_type": "public", "municipality": "Niš",
                         "services": "Family counselling"}, actor=o.admin)
        db.session.commit()
        live_server.case_id = o.ch_case.id
        live_server.reference = o.ch_case.reference
        db.session.remove()
    return live_server


def _add_item(page, item_type, goal, provider="office", cost="", target=""):
    page.get_by_text("Add an item to the plan").click()
    page.select_option("#item_type", item_type)
    page.fill("#goal", goal)
    page.select_option("#provider_kind", provider)
    page.fill("#estimated_cost", cost)
    page.fill("#target_date", target)
    page.get_by_role("button", name="Add the item").click()
    page.wait_for_selector("text=Item added to the plan.")


def _item(page, goal):
    return page.locator("li.plan-item", has_text=goal)


def test_a_case_from_arrival_to_closure(day, page, monkeypatch, tmp_path):
    url, case_url = day.url, f"{day.url}/cases/{day.case_id}"
    today = date.today()
    login(page, url, "caseworker")

    # A three-item plan, one item a referral with the returnee's consent; then submitted.
    page.goto(f"{case_url}/plan")
    _add_item(page, "micro_business", "Open a bakery", cost="2500", target=today.isoformat())
    _add_item(page, "psychosocial_family", "Family counselling", provider="referral")
    _add_item(page, "education", "Enrol the children at school", cost="300")
    referral = _item(page, "Family counselling")
    referral.get_by_text("Refer to a service provider").click()
    referral.get_by_role("button", name="Send the referral").click()
    page.get_by_text("Record the returnee's consent").wait_for(state="visible")  # refused without consent
    referral = _item(page, "Family counselling")
    referral.get_by_text("Refer to a service provider").click()
    referral.locator("input[name=consent]").check()
    referral.get_by_role("button", name="Send the referral").click()
    page.wait_for_selector("text=Referral sent to Centre for Social Work Niš")
    page.get_by_role("button", name="Submit the plan for approval").click()
    page.wait_for_selector("text=Plan submitted")
    logout(page)

    # A different supervisor approves it.
    login(page, url, "supervisor")
    page.get_by_role("link", name="Plans to approve").click()
    page.get_by_role("link", name=day.reference).click()
    page.get_by_label("Decision").select_option("approved")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_selector("text=Plan approved.")
    logout(page)

    # A grant is proposed and linked to the bakery; a visit note and a sensitive note are written.
    login(page, url, "caseworker")
    page.goto(case_url)
    open_tab(page, "Grants")
    page.locator("details.propose-grant summary").click()
    page.get_by_label("Category").select_option("business")
    page.get_by_label("Plan or justification").fill("Oven and flour for the bakery.")
    page.get_by_label("Requested amount").fill("2500")
    page.get_by_role("button", name="Propose the grant").click()
    page.wait_for_selector("text=Grant proposed as a draft")
    page.goto(f"{case_url}/plan")
    _item(page, "Open a bakery").get_by_role("button", name="Fund this item with the grant").click()
    page.wait_for_selector("text=The grant now funds this item.")
    assert "Grant 1" in _item(page, "Open a bakery").inner_text()
    page.goto(case_url)
    open_tab(page, "Notes")
    for text, sensitive in (("Visited the family; the oven is installed.", False), (SENSITIVE, True)):
        page.locator("details.add-note summary").click()
        page.select_option("#kind", "visit")
        page.fill("#text", text)
        if sensitive:
            page.check("#is_sensitive")
        page.get_by_role("button", name="Save the note").click()
        page.wait_for_selector("text=Note saved.")

    # The bakery's target date is today: due within 7 days now, overdue tomorrow.
    page.get_by_role("link", name="My work").click()
    assert "Plan item due: Open a bakery" in page.locator("h2#soon + ul").inner_text()
    monkeypatch.setattr("casework.tasks.services.today", lambda: today + timedelta(days=1))
    page.reload()
    overdue = page.locator("h2#overdue + ul").inner_text()
    assert "Plan item due: Open a bakery" in overdue and "Overdue" in overdue

    # The provider answers the referral.
    page.goto(f"{case_url}/plan")
    referral = _item(page, "Family counselling")
    referral.locator("form[action*='/answer'] select[name=status]").select_option("accepted")
    referral.locator("textarea[name=feedback]").fill("First session next Monday")
    referral.get_by_role("button", name="Record the answer").click()
    page.wait_for_selector("text=The provider's answer is recorded.")
    assert "First session next Monday" in _item(page, "Family counselling").inner_text()

    # Closing without a reason is refused; with one it is accepted.
    page.goto(case_url)
    page.select_option("#status", "closed")
    page.get_by_role("button", name="Change status").click()
    page.get_by_text("Choose why the case is closed.").wait_for(state="visible")
    page.select_option("#status", "closed")
    page.select_option("#reason", "support_ended")
    page.get_by_role("button", name="Change status").click()
    page.wait_for_selector("text=Status changed to Closed")
    assert "The support period ended" in page.locator("dl.facts").inner_text()

    # The printed case file holds all of it, and not the sensitive note.
    response = page.request.get(f"{case_url}/file.pdf")
    assert response.ok
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext (poppler-utils) is needed; .ci/run installs it")
    pdf = tmp_path / "file.pdf"
    pdf.write_bytes(response.body())
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    for expected in (day.reference, "Open a bakery", "Family counselling", "Enrol the children at school",
                     "Centre for Social Work Niš", "Accepted", "First session next Monday", "Grant 1",
                     "Oven and flour for the bakery.", "Visited the family; the oven is installed.",
                     "The support period ended"):
        assert expected in text, expected
    assert "former husband" not in text


@pytest.fixture
def busy_case(live_server):
    from casework.notes.services import add_note
    from casework.tasks.services import add_task
    from tests.plans.helpers import approved

    with live_server.app.app_context():
        o = factories.office()
        o.ch_case.caseworker_id = o.caseworker.id
        factories.case(o.ch, members=[factories.person("Nikolić-Vukadinović", "Aleksandra-Jovana", sex="F"),
                                      factories.person("Nikolić", "Stefan", relationship="child", year=2005,
                                                       vulnerabilities=["medical", "disability"])])
        approved(o)
        add_note(o.ch_case, "visit", date(2011, 3, 1), "A long note " * 40, actor=o.caseworker)
        add_task(o.ch_case, "Call the school about the enrolment of the two youngest children",
                 date.today() - timedelta(days=2), o.caseworker.id, actor=o.caseworker)
        db.session.commit()
        live_server.case_id = o.ch_case.id
        db.session.remove()
    return live_server


def test_the_days_pages_fit_a_phone_without_scrolling_sideways(busy_case, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    login(page, busy_case.url, "caseworker")
    case_url = f"{busy_case.url}/cases/{busy_case.case_id}"
    tabs = [f"{case_url}?tab={tab}" for tab in ("plan", "tasks", "notes", "grants", "monitoring", "surveys",
                                                 "documents", "history")]
    for path in (case_url, *tabs, f"{case_url}/plan", "/my-work/", "/tasks/?view=overdue", "/tasks/?view=open"):
        page.goto(path if path.startswith("http") else busy_case.url + path)
        width = page_width(page)
        assert width <= 375, (path, width)
        assert page.locator("h1").is_visible()
    context.close()
