"""What a case keeps of its plan and referrals for My work's indexes (plan_approved_at,
referrals_awaiting) agrees with the plans and referrals themselves: through the services and the demo
(the synthetic caseload: tests/test_synth.py; the migrations: tests/test_migrations.py)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from casework.cases.models import Case
from casework.extensions import db
from casework.plans import services as plan_services
from casework.referrals import services
from tests.helpers.case_summaries import disagreements
from tests.plans.helpers import approved, written


def _provider(admin):
    provider = services.create_provider({"name": "Centre for Social Work Niš", "provider_type": "public",
                                         "services": "Family counselling"}, actor=admin)
    db.session.commit()
    return provider


def _send(office, item, provider):
    return services.send_referral(item, provider, consent=True, consent_on=date(2011, 2, 1),
                                  consent_person_id=office.ch_case.principal.id, sent_on=date(2011, 2, 2),
                                  actor=office.caseworker)


def test_a_case_counts_its_referrals_awaiting_as_they_are_sent_answered_and_removed(office):
    case = office.ch_case
    version = case.version
    provider = _provider(office.admin)
    plan = written(case, office.caseworker)
    first = _send(office, plan.items[1], provider)
    refused = _send(office, plan.items[1], provider)
    _send(office, plan.items[1], provider)
    db.session.commit()
    db.session.expire_all()
    assert case.referrals_awaiting == 3 and not disagreements()
    services.answer_referral(first, "accepted", date(2011, 2, 5), actor=office.caseworker)
    db.session.commit()
    assert case.referrals_awaiting == 2 and not disagreements()
    services.answer_referral(refused, "refused", date(2011, 2, 6), actor=office.caseworker)
    db.session.commit()
    assert case.referrals_awaiting == 1 and not disagreements()
    services.answer_referral(first, "done", date(2011, 2, 9), actor=office.caseworker)  # accepted → done
    db.session.commit()
    assert case.referrals_awaiting == 1 and not disagreements()
    plan_services.remove_item(plan.items[1], actor=office.caseworker)  # never approved: its referral goes too
    db.session.commit()
    db.session.expire_all()
    assert case.referrals_awaiting == 0 and not disagreements()
    assert case.version == version  # the case itself was not edited: a form open on it still saves


def test_a_case_records_when_its_plan_was_first_approved(office):
    case = office.ch_case
    assert case.plan_approved_at is None
    plan = approved(office)
    db.session.expire_all()
    first = case.plan_approved_at
    assert first is not None and first == plan.approved_at and not disagreements()
    plan_services.add_item(case, {"dimension": "social", "item_type": "housing", "goal": "A flat",
                                  "provider_kind": "office"}, actor=office.caseworker)  # a new version
    plan_services.submit_plan(plan, actor=office.caseworker)
    plan_services.decide_plan(plan, office.supervisor, "approved")
    db.session.commit()
    db.session.expire_all()
    assert case.plan_approved_at == first and plan.approved_number == 2  # the first approval is kept
    assert plan.approved_at != first and not disagreements()


def test_the_demo_cases_keep_their_summaries(demo_office):
    assert not disagreements()  # the synthetic caseload's: tests/test_synth.py
    assert db.session.scalar(select(func.count()).where(Case.referrals_awaiting > 0)) > 0
