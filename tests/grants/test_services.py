"""The grant rules, without HTTP: workflow, separation of duties, caps, budget, payments."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.errors import Conflict, DomainError, NotAllowed
from casework.extensions import db
from casework.grants import services, workflow
from casework.grants.models import DecisionOutcome, Disbursement, GrantDecision, GrantStatus
from casework.programmes.services import set_cap
from tests.grants.helpers import approved, proposed, submitted

S = GrantStatus


def test_office_programme_path_to_completion(office):
    grant = submitted(office, case=office.uk_case, amount="900.00", actor=office.caseworker_uk)
    assert grant.status == S.SUBMITTED and grant.submitted_by_id == office.caseworker_uk.id
    services.decide(grant, office.supervisor, "approved")
    db.session.commit()
    assert grant.status == S.APPROVED and grant.approved_amount == Decimal("900.00")
    assert grant.decided_on == date.today()
    services.record_disbursement(grant, office.caseworker_uk, paid_on=date.today(), amount="400", mode="cash")
    db.session.commit()
    assert grant.status == S.DISBURSING
    services.record_disbursement(grant, office.caseworker_uk, paid_on=date.today(), amount="500.00", mode="in_kind")
    db.session.commit()
    assert grant.status == S.COMPLETED
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "grants")
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["grant_proposed", "grant_submitted", "grant_decided", "disbursement_recorded",
                       "disbursement_recorded", "grant_completed"]


def test_donor_programme_needs_the_donor_letter_entered_by_another_supervisor(office):
    grant = submitted(office)
    services.decide(grant, office.supervisor, "reduced", amount="1500", reason="Tractor priced above market.",
                    at=datetime.now(UTC) - timedelta(days=5))  # the letter comes days later
    db.session.commit()
    assert grant.status == S.AWAITING_DONOR and grant.approved_amount is None
    with pytest.raises(NotAllowed, match="another step"):
        services.decide(grant, office.supervisor, "approved", authority_reference="X", authority_letter_date=date.today())
    db.session.rollback()
    with pytest.raises(DomainError, match="letter"):
        services.decide(grant, office.supervisor2, "approved")
    db.session.rollback()
    services.decide(grant, office.supervisor2, "approved", authority_reference="FOM-2011-117",
                    authority_letter_date=date.today() - timedelta(days=3))
    db.session.commit()
    assert grant.status == S.APPROVED
    assert grant.approved_amount == Decimal("1500.00")  # the amount the supervisor put to the donor
    assert grant.decided_on == date.today() - timedelta(days=3)
    donor = grant.decisions[-1]
    assert donor.step.value == "donor" and donor.authority_reference == "FOM-2011-117"


def test_the_proposer_cannot_decide_even_as_a_supervisor(office):
    grant = submitted(office, actor=office.supervisor)
    with pytest.raises(NotAllowed, match="proposed or submitted"):
        services.decide(grant, office.supervisor, "approved")
    assert services.decision_refusal(office.supervisor2, grant) is None


def test_submitter_cannot_decide(office):
    grant = proposed(office, actor=office.caseworker)
    services.submit_grant(grant, actor=office.supervisor)
    db.session.commit()
    with pytest.raises(NotAllowed):
        services.decide(grant, office.supervisor, "approved")


@pytest.mark.parametrize("who", ["caseworker", "donor", "admin"])
def test_only_supervisors_decide(office, who):
    grant = submitted(office)
    with pytest.raises(NotAllowed, match="Only a supervisor"):
        services.decide(grant, getattr(office, who), "approved")
    assert db.session.scalar(select(func.count()).select_from(GrantDecision)) == 0


def test_reason_required_unless_approved_in_full(office):
    grant = submitted(office)
    for outcome, amount in (("rejected", None), ("sent_back", None), ("reduced", "100")):
        with pytest.raises(DomainError, match="reason") as info:
            services.decide(grant, office.supervisor, outcome, amount=amount)
        assert info.value.field == "reason"
        db.session.rollback()
    with pytest.raises(DomainError, match="choose “approved”"):
        services.decide(grant, office.supervisor, "reduced", amount="2000", reason="x")
    db.session.rollback()
    assert grant.status == S.SUBMITTED and not grant.decisions


def test_sent_back_returns_to_the_caseworker_and_can_be_resubmitted(office):
    grant = submitted(office)
    services.decide(grant, office.supervisor, "sent_back", reason="Attach the quote.")
    db.session.commit()
    assert grant.status == S.DRAFT
    services.update_grant(grant, {"category": "business", "person_id": None, "plan": "With quote.",
                                  "requested_amount": "1800"}, actor=office.caseworker)
    services.submit_grant(grant, actor=office.caseworker)
    db.session.commit()
    services.decide(grant, office.supervisor, "approved")  # the same step again: allowed
    db.session.commit()
    assert grant.status == S.AWAITING_DONOR
    assert [d.outcome for d in grant.decisions] == [DecisionOutcome.SENT_BACK, DecisionOutcome.APPROVED]


@pytest.mark.parametrize("status", list(GrantStatus))
@pytest.mark.parametrize("action", list(workflow.TRANSITIONS))
def test_transition_table_refuses_with_a_message(action, status):
    if workflow.allowed(action, status):
        workflow.check(action, status)
    else:
        with pytest.raises(workflow.TransitionRefused, match="You cannot"):
            workflow.check(action, status)


def test_refused_transition_changes_nothing(office):
    grant = approved(office, case=office.uk_case, amount="500", actor=office.caseworker_uk)
    version = grant.version
    with pytest.raises(workflow.TransitionRefused, match="approved"):
        services.submit_grant(grant, actor=office.caseworker_uk)
    with pytest.raises(workflow.TransitionRefused):
        services.decide(grant, office.supervisor2, "rejected", reason="late")
    db.session.rollback()
    assert grant.status == S.APPROVED and grant.version == version


def test_stale_edit_is_a_conflict_and_keeps_the_other_change(office):
    grant = proposed(office)
    opened = grant.version
    services.update_grant(grant, {"category": "housing", "plan": "Roof.", "requested_amount": "2100"},
                          actor=office.caseworker, expected_version=opened)
    db.session.commit()
    with pytest.raises(Conflict, match="Someone else changed"):
        services.update_grant(grant, {"category": "medical", "plan": "Other.", "requested_amount": "50"},
                              actor=office.caseworker, expected_version=opened)
    db.session.rollback()
    assert grant.category.value == "housing" and grant.requested_amount == Decimal("2100.00")


def test_cap_per_person_names_the_cap(office):
    set_cap(office.uk, date(2002, 1, 1), per_person="1000.00")
    db.session.commit()
    approved(office, case=office.uk_case, amount="700", actor=office.caseworker_uk)
    grant = submitted(office, case=office.uk_case, amount="400", actor=office.caseworker_uk)
    with pytest.raises(DomainError) as info:
        services.decide(grant, office.supervisor, "approved")
    assert "cap per person is GBP 1,000.00" in info.value.message and "at most GBP 300.00" in info.value.message
    db.session.rollback()
    services.decide(grant, office.supervisor, "reduced", amount="300", reason="Up to the cap.")
    db.session.commit()
    assert grant.approved_amount == Decimal("300.00")


def test_cap_per_case_uses_the_caps_of_the_decision_day(office):
    set_cap(office.uk, date(2002, 1, 1), per_case="500.00")
    set_cap(office.uk, date.today() + timedelta(days=30), per_case="5000.00")
    db.session.commit()
    grant = submitted(office, case=office.uk_case, amount="600", actor=office.caseworker_uk, person=False)
    with pytest.raises(DomainError, match="cap per case is GBP 500.00"):
        services.decide(grant, office.supervisor, "approved")


def test_budget_refusal_says_what_is_left(office):
    office.uk.budget = Decimal("1000.00")
    db.session.commit()
    approved(office, case=office.uk_case, amount="750.50", actor=office.caseworker_uk)
    grant = submitted(office, case=office.uk_case, amount="300", actor=office.caseworker_uk)
    with pytest.raises(DomainError, match=r"only GBP 249.50 is left of the programme budget of GBP 1,000.00"):
        services.decide(grant, office.supervisor, "approved")
    db.session.rollback()
    assert grant.status == S.SUBMITTED


def test_cancelled_approval_frees_the_budget(office):
    office.uk.budget = Decimal("1000.00")
    db.session.commit()
    first = approved(office, case=office.uk_case, amount="800", actor=office.caseworker_uk)
    services.cancel_grant(first, "Family moved abroad again.", actor=office.caseworker_uk)
    db.session.commit()
    assert services.budget_remaining(office.uk) == Decimal("1000.00")


def test_disbursements_never_exceed_the_approved_amount(office):
    grant = approved(office, amount="1000")
    services.record_disbursement(grant, office.caseworker, paid_on=date.today(), amount="600", mode="cash")
    db.session.commit()
    with pytest.raises(DomainError, match="Only CHF 400.00 is left to pay of the approved CHF 1,000.00"):
        services.record_disbursement(grant, office.caseworker, paid_on=date.today(), amount="400.01", mode="cash")
    db.session.rollback()
    assert services.paid_total(grant) == Decimal("600.00")
    services.record_disbursement(grant, office.caseworker, paid_on=date.today(), amount="400", mode="bank_transfer")
    db.session.commit()
    assert grant.status == S.COMPLETED
    with pytest.raises(workflow.TransitionRefused):
        services.record_disbursement(grant, office.caseworker, paid_on=date.today(), amount="1", mode="cash")
    assert db.session.scalar(select(func.count()).select_from(Disbursement)) == 2


def test_no_payment_before_approval_or_in_the_future(office):
    grant = submitted(office)
    with pytest.raises(workflow.TransitionRefused):
        services.record_disbursement(grant, office.caseworker, paid_on=date.today(), amount="1", mode="cash")
    grant = approved(office, amount="100")
    with pytest.raises(DomainError, match="future"):
        services.record_disbursement(grant, office.caseworker, paid_on=date.today() + timedelta(days=1),
                                     amount="1", mode="cash")


@pytest.mark.parametrize("amount", ["0", "-5", "12.345", "abc", "", "NaN"])
def test_bad_amounts_are_refused(office, amount):
    with pytest.raises(DomainError) as info:
        proposed(office, amount=amount)
    assert info.value.field == "requested_amount"


def test_queue_is_oldest_first_and_excludes_own_grants(office):
    first = submitted(office)
    mine = submitted(office, actor=office.supervisor)
    second = submitted(office, case=office.uk_case, actor=office.caseworker_uk)
    assert [g.id for g in services.decision_queue(office.supervisor)] == [first.id, second.id]
    assert [g.id for g in services.decision_queue(office.supervisor2)] == [first.id, mine.id, second.id]
    assert services.decision_queue(office.caseworker) == []


def test_queue_moves_the_donor_step_to_another_supervisor(office):
    grant = submitted(office)
    services.decide(grant, office.supervisor, "approved")
    db.session.commit()
    assert services.decision_queue(office.supervisor) == []
    assert services.queue_count(office.supervisor) == 0
    assert [g.id for g in services.decision_queue(office.supervisor2)] == [grant.id]
    assert services.queue_count(office.supervisor2) == 1


def test_no_payment_dated_before_the_approval(office):
    grant = approved(office, amount="100")
    with pytest.raises(DomainError, match="before the approval") as info:
        services.record_disbursement(grant, office.caseworker, paid_on=date.today() - timedelta(days=1),
                                     amount="10", mode="cash")
    assert info.value.field == "paid_on"
