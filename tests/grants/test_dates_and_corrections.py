"""Dates follow the workflow, wrong payments are reversed (never deleted), nothing is changed silently."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.extensions import db
from casework.grants.models import Disbursement, Grant, GrantStatus
from tests.grants.helpers import approved, submitted


def _pay(client, grant, amount, day=None, receipt="R-1"):
    return client.post(f"/grants/{grant.id}/disburse", data={
        "paid_on": (day or date.today()).isoformat(), "amount": amount, "mode": "cash", "receipt_reference": receipt})


def test_a_donor_letter_is_not_dated_before_the_supervisors_decision(office, client, auth):
    grant = submitted(office)
    auth.login("supervisor")
    assert client.post(f"/grants/{grant.id}/decide", data={"outcome": "approved", "version": grant.version}
                       ).status_code == 302
    auth.logout()
    auth.login("supervisor2")
    db.session.refresh(grant)
    response = client.post(f"/grants/{grant.id}/decide", data={
        "outcome": "approved", "authority_reference": "FOM-2020-1", "authority_letter_date": "2020-01-01",
        "version": grant.version})
    assert response.status_code == 422
    assert "cannot be dated before the supervisor&#39;s decision" in response.get_data(as_text=True)
    db.session.refresh(grant)
    assert grant.status == GrantStatus.AWAITING_DONOR
    # So a payment can never land in an earlier year's report either.
    response = client.post(f"/grants/{grant.id}/decide", data={
        "outcome": "approved", "authority_reference": "FOM-1", "authority_letter_date": date.today().isoformat(),
        "version": grant.version})
    assert response.status_code == 302
    auth.logout()
    auth.login("caseworker")
    response = _pay(client, grant, "100", day=date(2020, 1, 1))
    assert response.status_code == 422 and "before the approval" in response.get_data(as_text=True)


def test_approved_in_full_with_another_amount_is_refused(office, client, auth):
    grant = submitted(office, case=office.uk_case, amount="2000", actor=office.caseworker_uk)
    auth.login("supervisor")
    for data, message in (({"outcome": "approved", "amount": "100"}, "Approved in full” grants GBP 2,000.00"),
                          ({"outcome": "rejected", "amount": "100", "reason": "No"}, "An amount goes with an approval"),
                          ({"outcome": "reduced", "amount": "1e3", "reason": "Less"}, "like 1500 or 1500.50")):
        response = client.post(f"/grants/{grant.id}/decide", data={**data, "version": grant.version})
        assert response.status_code == 422 and message in response.get_data(as_text=True), data
    db.session.refresh(grant)
    assert grant.status == GrantStatus.SUBMITTED and not grant.decisions


def test_an_over_long_receipt_reference_is_refused_not_cut(office, client, auth):
    from casework.errors import DomainError
    from casework.grants.services import record_disbursement

    grant = approved(office, amount="1000")
    try:
        record_disbursement(grant, office.caseworker, paid_on=date.today(), amount="10", mode="cash",
                            receipt_reference="R" * 10_000)
        raise AssertionError("a 10,000-character receipt reference was accepted")
    except DomainError as error:
        assert "at most 100 characters; this one has 10000" in error.message
    db.session.rollback()
    auth.login("caseworker")
    response = _pay(client, grant, "10", receipt="R" * 10_000)
    assert response.status_code == 422 and "100 characters" in response.get_data(as_text=True)
    assert db.session.scalars(select(Disbursement)).all() == []


def test_a_wrong_payment_is_reversed_by_another_person_and_both_entries_stay(office, client, auth):
    grant = approved(office, amount="1000")
    auth.login("caseworker")
    assert _pay(client, grant, "1000", receipt="WRONG-1").status_code == 302
    payment = db.session.scalars(select(Disbursement)).one()
    # The person who recorded it cannot reverse it.
    page = client.get(f"/grants/{grant.id}").get_data(as_text=True)
    assert "Reverse this payment" not in page
    response = client.post(f"/grants/{grant.id}/payments/{payment.id}/reverse", data={"reason": "Paid twice"})
    assert response.status_code == 403
    auth.logout()
    auth.login("supervisor")
    response = client.post(f"/grants/{grant.id}/payments/{payment.id}/reverse", data={"reason": ""})
    assert response.status_code == 422
    response = client.post(f"/grants/{grant.id}/payments/{payment.id}/reverse",
                           data={"reason": "Paid to the wrong family"})
    assert response.status_code == 302
    entries = db.session.scalars(select(Disbursement).order_by(Disbursement.id)).all()
    assert [e.amount for e in entries] == [Decimal("1000.00"), Decimal("-1000.00")]
    assert entries[1].reversal_of_id == payment.id and entries[1].recorded_by_id == office.supervisor.id
    db.session.refresh(grant)
    assert grant.status == GrantStatus.APPROVED  # nothing is paid any more: it may be paid again
    page = client.get(f"/grants/{grant.id}").get_data(as_text=True)
    from casework.db import format_money

    assert format_money(Decimal("1000"), "CHF", "en") in page and format_money(Decimal("-1000"), "CHF", "en") in page
    assert "Paid to the wrong family" in page
    assert "Reversal of the payment of" in page
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "disbursement_reversed")).one()
    assert event.username == "supervisor" and "Paid to the wrong family" in event.summary
    # Reversed once only.
    response = client.post(f"/grants/{grant.id}/payments/{payment.id}/reverse", data={"reason": "Again"})
    assert response.status_code == 422 and "reversed already" in response.get_data(as_text=True)
    # The right payment can now be made in full.
    auth.logout()
    auth.login("caseworker")
    assert _pay(client, grant, "1000", receipt="RIGHT-1").status_code == 302
    db.session.refresh(grant)
    assert grant.status == GrantStatus.COMPLETED


def test_reports_net_each_entry_in_its_own_period(office):
    from casework.grants import services
    from casework.reports.engine import compute_figures
    from casework.reports.periods import Period

    grant = approved(office, amount="1000")
    last_year = date.today().replace(month=1, day=1) - timedelta(days=1)
    # A legacy payment dated last year (its approval is too, as an imported record's would be).
    grant.decided_on = last_year - timedelta(days=10)
    db.session.commit()
    payment = services.record_disbursement(grant, office.caseworker, paid_on=last_year, amount="600", mode="cash")
    db.session.commit()
    services.reverse_disbursement(payment, office.supervisor, "Wrong amount")
    db.session.commit()
    services.record_disbursement(db.session.get(Grant, grant.id), office.caseworker, paid_on=date.today(),
                                 amount="400", mode="cash")
    db.session.commit()
    past = compute_figures(office.ch, Period(date(last_year.year, 1, 1), last_year))
    this = compute_figures(office.ch, Period(date.today().replace(month=1, day=1), date.today()))
    assert past.grants["disbursed_amount"] == Decimal("600.00")
    assert this.grants["disbursed_amount"] == Decimal("-200.00")  # -600 reversed, +400 paid
    assert this.budget["disbursed"] == Decimal("400.00")  # net, to the period's end


def test_the_payments_a_user_may_reverse_follow_the_rules_the_reversal_applies(office):
    """The grant page offers "Reverse" from the same rules reverse_disbursement enforces."""
    from casework.grants import services

    grant = approved(office, amount="1000")
    first = services.record_disbursement(grant, office.caseworker, paid_on=date.today(), amount="300", mode="cash")
    second = services.record_disbursement(grant, office.supervisor, paid_on=date.today(), amount="200", mode="cash")
    db.session.commit()
    assert services.reversible_payment_ids(office.caseworker, grant) == {second.id}  # not what they recorded
    assert services.reversible_payment_ids(office.supervisor, grant) == {first.id}
    reversal = services.reverse_disbursement(first, office.supervisor, "Wrong family")
    db.session.commit()
    grant = db.session.get(Grant, grant.id)
    assert services.reversed_payment_ids(grant) == {first.id}
    # The reversed payment is not offered again (the supervisor did not record it), nor is the
    # reversal itself (recorded by the supervisor, it would otherwise be the caseworker's to reverse).
    assert services.reversible_payment_ids(office.supervisor, grant) == set()
    assert services.reversible_payment_ids(office.caseworker, grant) == {second.id}
    assert reversal.reversal_of_id == first.id
