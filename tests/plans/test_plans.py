"""Reintegration plans: writing, submitting, approval under separation of duties, versions, grants."""
from __future__ import annotations

import pytest

from casework.errors import DomainError, NotAllowed
from casework.extensions import db
from casework.grants import services as grant_services
from casework.plans import services
from casework.plans.models import PlanStatus, PlanVersion
from tests.grants.helpers import proposed
from tests.plans.helpers import approved, written


def test_caseworker_writes_three_items_and_submits_through_the_page(office, client, auth):
    auth.login("caseworker")
    case = office.ch_case
    base = f"/cases/{case.id}/plan"
    page = client.get(base).get_data(as_text=True)
    assert "No plan written yet." in page and "Micro-business" in page and "Due by" in page
    for data in ({"person_id": case.principal.id, "item_type": "micro_business", "goal": "Bakery",
                  "provider_kind": "office", "estimated_cost": "2500", "target_date": "2011-06-01"},
                 {"person_id": 0, "item_type": "psychosocial_family", "goal": "Counselling",
                  "provider_kind": "referral"},
                 {"person_id": 0, "item_type": "housing", "goal": "Fix the roof", "provider_kind": "office"}):
        response = client.post(f"{base}/items", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
    plan = services.plan_of(case)
    assert [(i.dimension.value, i.item_type.value) for i in plan.items] == [
        ("economic", "micro_business"), ("psychosocial", "psychosocial_family"), ("social", "housing")]
    client.post(f"{base}/submit", data={"version": plan.version})
    db.session.expire_all()
    assert services.plan_of(case).status == PlanStatus.SUBMITTED
    page = client.get(base).get_data(as_text=True)
    assert "Awaiting approval" in page and "Bakery" in page and "CHF 2,500.00" in page


def test_bad_item_is_refused_with_a_message_and_nothing_saved(office, client, auth):
    auth.login("caseworker")
    response = client.post(f"/cases/{office.ch_case.id}/plan/items",
                           data={"person_id": 0, "item_type": "housing", "goal": "Roof", "provider_kind": "office",
                                 "estimated_cost": "12.345"})
    assert response.status_code == 422 and "at most two decimals" in response.get_data(as_text=True)
    assert services.plan_of(office.ch_case) is None


def test_the_writer_never_approves_their_plan_and_a_different_supervisor_does(office, client, auth):
    plan = written(office.ch_case, office.supervisor)
    services.submit_plan(plan, actor=office.supervisor)
    db.session.commit()
    with pytest.raises(NotAllowed, match="another supervisor"):
        services.decide_plan(plan, office.supervisor, "approved")
    db.session.rollback()
    auth.login("supervisor")
    response = client.post(f"/cases/{office.ch_case.id}/plan/decide", data={"outcome": "approved",
                                                                            "version": plan.version})
    assert response.status_code == 403
    auth.logout()
    auth.login("caseworker")
    assert client.post(f"/cases/{office.ch_case.id}/plan/decide",
                       data={"outcome": "approved"}).status_code == 403
    auth.logout()
    auth.login("supervisor2")
    page = client.get("/plans/awaiting").get_data(as_text=True)
    assert office.ch_case.reference in page
    response = client.post(f"/cases/{office.ch_case.id}/plan/decide", data={"outcome": "approved",
                                                                            "version": plan.version})
    assert response.status_code == 302
    db.session.expire_all()
    assert plan.status == PlanStatus.APPROVED and plan.approved_number == 1


def test_the_submitter_never_approves_even_if_another_wrote_it(office):
    plan = written(office.ch_case, office.caseworker)
    services.submit_plan(plan, actor=office.supervisor)
    with pytest.raises(NotAllowed):
        services.decide_plan(plan, office.supervisor, "approved")


def test_sending_back_needs_a_comment_and_returns_the_plan_to_draft(office):
    plan = written(office.ch_case, office.caseworker)
    services.submit_plan(plan, actor=office.caseworker)
    with pytest.raises(DomainError, match="what should change"):
        services.decide_plan(plan, office.supervisor, "sent_back")
    services.decide_plan(plan, office.supervisor, "sent_back", "Add the school item's cost")
    assert plan.status == PlanStatus.DRAFT and plan.number == 1


def test_a_change_after_approval_is_a_new_version_and_the_approved_one_is_kept(office, client, auth):
    plan = approved(office)
    first = plan.items[0]
    auth.login("caseworker")
    response = client.post(f"/cases/{office.ch_case.id}/plan/items/{first.id}/edit",
                           data={"person_id": 0, "item_type": "micro_business", "goal": "Open a bakery in Kraljevo",
                                 "provider_kind": "office", "estimated_cost": "2800", "version": plan.version})
    assert response.status_code == 302
    db.session.expire_all()
    assert plan.status == PlanStatus.DRAFT and plan.number == 2 and plan.approved_number == 1
    page = client.get(f"/cases/{office.ch_case.id}/plan").get_data(as_text=True)
    assert "Version 1 stays in force" in page and "Open a bakery in Kraljevo" in page
    old = client.get(f"/cases/{office.ch_case.id}/plan/versions/1").get_data(as_text=True)
    assert "Open a bakery in Niš" in old and "Kraljevo" not in old and "CHF 2,500.00" in old
    services.submit_plan(plan, actor=office.caseworker)
    services.decide_plan(plan, office.supervisor2, "approved")
    db.session.commit()
    assert [v.number for v in db.session.query(PlanVersion).order_by(PlanVersion.number)] == [1, 2]
    assert "Kraljevo" in client.get(f"/cases/{office.ch_case.id}/plan/versions/2").get_data(as_text=True)


def test_a_submitted_plan_cannot_be_changed(office):
    plan = written(office.ch_case, office.caseworker)
    services.submit_plan(plan, actor=office.caseworker)
    with pytest.raises(DomainError, match="cannot change a plan that is awaiting approval"):
        services.update_item(plan.items[0], {"item_type": "housing", "goal": "x", "provider_kind": "office"},
                             actor=office.caseworker)


def test_dropping_an_item_needs_a_reason_and_approved_items_are_not_removed(office):
    plan = approved(office)
    item = plan.items[1]
    with pytest.raises(DomainError, match="why the item is dropped"):
        services.set_item_status(item, "dropped", actor=office.caseworker)
    services.set_item_status(item, "dropped", "The family declined", actor=office.caseworker)
    assert item.status.value == "dropped"
    with pytest.raises(DomainError, match="mark it dropped"):
        services.remove_item(plan.items[0], actor=office.caseworker)


def test_a_grant_funds_an_approved_item_only(office, client, auth):
    plan = written(office.ch_case, office.caseworker)
    grant = proposed(office)
    with pytest.raises(DomainError, match="approved plan"):
        services.link_grant(grant, plan.items[0], actor=office.caseworker)
    db.session.rollback()
    services.submit_plan(plan, actor=office.caseworker)
    services.decide_plan(plan, office.supervisor, "approved")
    db.session.commit()
    auth.login("caseworker")
    response = client.post(f"/cases/{office.ch_case.id}/plan/items/{plan.items[0].id}/grant",
                           data={"grant_id": grant.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert grant.plan_item_id == plan.items[0].id
    page = client.get(f"/cases/{office.ch_case.id}/plan").get_data(as_text=True)
    assert f"Grant {grant.id}" in page


def test_a_programme_can_require_the_link_before_a_grant_is_submitted(office):
    office.ch.plan_item_required = True
    db.session.commit()
    grant = proposed(office)
    with pytest.raises(DomainError, match="requires the grant to fund an item"):
        grant_services.submit_grant(grant, actor=office.caseworker)
    db.session.rollback()
    plan = approved(office)
    services.link_grant(grant, plan.items[0], actor=office.caseworker)
    grant_services.submit_grant(grant, actor=office.caseworker)
    assert grant.status.value == "submitted"
