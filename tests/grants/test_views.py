"""Grant screens through the test client: who may do what, forms, figures on the page."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from casework.extensions import db
from casework.grants.models import Grant, GrantDecision, GrantStatus
from tests import factories
from tests.grants.helpers import approved, proposed, submitted


@pytest.mark.parametrize("who", ["caseworker", "donor.ch", "admin"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_non_supervisors_get_403_on_decision_urls(office, client, auth, who, method):
    grant = submitted(office)
    auth.login(who)
    response = getattr(client, method)(f"/grants/{grant.id}/decide", data={"outcome": "approved"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(GrantDecision)) == 0


def test_the_proposer_gets_403_on_the_decision_url(office, client, auth):
    grant = submitted(office, actor=office.supervisor)
    auth.login("supervisor")
    response = client.post(f"/grants/{grant.id}/decide", data={"outcome": "approved"})
    assert response.status_code == 403
    assert "another supervisor must decide" in response.get_data(as_text=True)
    db.session.refresh(grant)
    assert grant.status == GrantStatus.SUBMITTED


def test_donors_never_see_grant_pages(office, client, auth):
    grant = submitted(office)
    auth.login("donor.ch")
    for url in (f"/grants/{grant.id}", "/grants/", "/grants/queue", f"/cases/{office.ch_case.id}/grants/new"):
        assert client.get(url).status_code == 403


def test_caseworker_proposes_on_the_case_page(office, client, auth):
    auth.login("caseworker")
    page = client.get(f"/cases/{office.ch_case.id}?tab=grants").get_data(as_text=True)
    assert "No grant proposed yet." in page and "Propose a grant" in page
    response = client.post(f"/cases/{office.ch_case.id}/grants/new",
                           data={"category": "housing", "person_id": "0", "plan": "Repair the roof.",
                                 "requested_amount": "2500.5"})
    assert response.status_code == 302
    grant = db.session.scalar(select(Grant))
    assert grant.requested_amount == Decimal("2500.50") and grant.person_id is None
    page = client.get(f"/cases/{office.ch_case.id}?tab=grants").get_data(as_text=True)
    assert "CHF 2,500.50" in page and "Draft" in page


def test_invalid_proposal_shows_the_error_and_keeps_the_input(office, client, auth):
    auth.login("caseworker")
    response = client.post(f"/cases/{office.ch_case.id}/grants/new",
                           data={"category": "housing", "person_id": "0", "plan": "Repair the roof.",
                                 "requested_amount": "12.345"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "at most two decimals" in html and "Repair the roof." in html and 'value="12.345"' in html
    assert db.session.scalar(select(func.count()).select_from(Grant)) == 0


def test_caseworker_of_another_programme_gets_404(office, client, auth):
    grant = proposed(office)
    auth.login("caseworker.uk")
    assert client.get(f"/grants/{grant.id}").status_code == 404


def test_stale_edit_gets_a_conflict_message(office, client, auth):
    grant = proposed(office)
    auth.login("caseworker")
    old_version = grant.version
    client.post(f"/grants/{grant.id}/edit", data={"category": "housing", "person_id": "0", "plan": "First",
                                                  "requested_amount": "100", "version": old_version})
    response = client.post(f"/grants/{grant.id}/edit", data={"category": "medical", "person_id": "0",
                                                             "plan": "Second", "requested_amount": "200",
                                                             "version": old_version})
    assert response.status_code == 409
    assert "Someone else changed this grant" in response.get_data(as_text=True)
    db.session.refresh(grant)
    assert grant.plan == "First"
    # The grant's history shows what the edit changed, old value to new.
    history = client.get(f"/grants/{grant.id}").get_data(as_text=True)
    assert "Requested amount: 2,000.00 → 100.00" in history and "Category: Business / income generation → Housing" in history


def test_supervisor_decides_through_the_web_and_sees_the_budget_refusal(office, client, auth):
    office.uk.budget = Decimal("1000.00")
    db.session.commit()
    approved(office, case=office.uk_case, amount="900", actor=office.caseworker_uk)
    grant = submitted(office, case=office.uk_case, amount="300", actor=office.caseworker_uk)
    auth.login("supervisor")
    page = client.get(f"/grants/{grant.id}/decide").get_data(as_text=True)
    assert "GBP 100.00" in page  # left of the budget
    response = client.post(f"/grants/{grant.id}/decide", data={"outcome": "approved", "version": grant.version})
    assert response.status_code == 422
    assert "only GBP 100.00 is left of the programme budget of GBP 1,000.00" in response.get_data(as_text=True)
    response = client.post(f"/grants/{grant.id}/decide",
                           data={"outcome": "reduced", "amount": "100", "reason": "Budget", "version": grant.version})
    assert response.status_code == 302
    db.session.refresh(grant)
    assert grant.status == GrantStatus.APPROVED and grant.approved_amount == Decimal("100.00")
    page = client.get(f"/grants/{grant.id}").get_data(as_text=True)
    assert "Approved with a lower amount" in page and "Supervisor" in page


def test_overpayment_is_refused_on_the_page(office, client, auth):
    grant = approved(office, amount="1000")
    auth.login("caseworker")
    response = client.post(f"/grants/{grant.id}/disburse",
                           data={"paid_on": date.today().isoformat(), "amount": "1000.01", "mode": "cash"})
    assert response.status_code == 422
    assert "Only CHF 1,000.00 is left to pay" in response.get_data(as_text=True)
    response = client.post(f"/grants/{grant.id}/disburse",
                           data={"paid_on": date.today().isoformat(), "amount": "1000", "mode": "cash",
                                 "receipt_reference": "R-1"})
    assert response.status_code == 302
    db.session.refresh(grant)
    assert grant.status == GrantStatus.COMPLETED


def test_queue_and_dashboard_count(office, client, auth):
    older = submitted(office)
    newer = submitted(office, case=office.uk_case, actor=office.caseworker_uk)
    auth.login("supervisor")
    assert '<span class="figure" id="grants-awaiting">2</span>' in client.get("/dashboard").get_data(as_text=True)
    html = client.get("/grants/queue").get_data(as_text=True)
    assert html.index(f"/grants/{older.id}") < html.index(f"/grants/{newer.id}")
    auth.logout()
    auth.login("caseworker")
    assert "grants-awaiting" not in client.get("/dashboard").get_data(as_text=True)
    assert client.get("/grants/queue").status_code == 403


def test_grant_list_filters(office, client, auth):
    housing = proposed(office, category="housing")
    medical = submitted(office, category="medical")
    uk = proposed(office, case=office.uk_case, actor=office.caseworker_uk)
    auth.login("supervisor")

    def ids(**args):
        html = client.get("/grants/", query_string=args).get_data(as_text=True)
        return {g.id for g in (housing, medical, uk) if f'href="/grants/{g.id}"' in html}

    assert ids() == {housing.id, medical.id, uk.id}
    assert ids(category="housing") == {housing.id}
    assert ids(status="submitted") == {medical.id}
    assert ids(programme="VARRP-UK") == {uk.id}
    assert ids(period_from="2000-01-01", period_to="2001-01-01") == set()
    assert ids(period_from=date.today().isoformat()) == {housing.id, medical.id, uk.id}


def test_cli_queue_and_decide_obey_the_rules(office, runner):
    grant = submitted(office, case=office.uk_case, actor=office.caseworker_uk, amount="450")
    result = runner.invoke(args=["grants", "queue", "--user", "supervisor"])
    assert result.exit_code == 0 and "GBP 450.00" in result.output and "1 grant(s)" in result.output
    result = runner.invoke(args=["grants", "decide", str(grant.id), "--user", "caseworker.uk", "--outcome", "approved"])
    assert result.exit_code != 0 and "Only a supervisor" in result.output
    result = runner.invoke(args=["grants", "decide", str(grant.id), "--user", "supervisor", "--outcome", "rejected"])
    assert result.exit_code != 0 and result.output.strip() == "casework: Give the reason for this decision."
    result = runner.invoke(args=["grants", "decide", str(grant.id), "--user", "supervisor", "--outcome", "approved"])
    assert result.exit_code == 0, result.output
    assert "now approved" in result.output


def test_cancel_needs_a_reason_and_is_on_the_timeline(office, client, auth):
    grant = submitted(office)
    auth.login("caseworker")
    response = client.post(f"/grants/{grant.id}/cancel", data={"reason": "", "version": grant.version})
    assert response.status_code == 422
    db.session.refresh(grant)
    assert grant.status == GrantStatus.SUBMITTED
    response = client.post(f"/grants/{grant.id}/cancel", data={"reason": "Family left again.",
                                                               "version": grant.version})
    assert response.status_code == 302
    page = client.get(f"/grants/{grant.id}").get_data(as_text=True)
    assert "Cancelled" in page and "caseworker</strong> — grant cancelled: Family left again." in page


def _statements_for(client, url) -> int:
    from sqlalchemy import event

    seen = []
    db.session.expunge_all()  # as a real request starts: nothing loaded yet

    def count(*args):
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_grant_page_queries_do_not_grow_with_payments_and_their_authors(office, client, auth):
    from casework.grants import services

    one, three = approved(office, amount="1000"), approved(office, amount="1000")
    services.record_disbursement(one, office.caseworker, paid_on=date.today(), amount="100", mode="cash")
    colleague = factories.user("caseworker2", "caseworker", [office.ch])
    for who in (office.caseworker, colleague, office.admin):  # each author a user the page has not loaded yet
        services.record_disbursement(three, who, paid_on=date.today(), amount="100", mode="cash")
    db.session.commit()
    urls = f"/grants/{one.id}", f"/grants/{three.id}"
    auth.login("supervisor")
    assert _statements_for(client, urls[1]) == _statements_for(client, urls[0])
