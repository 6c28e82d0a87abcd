"""Tasks by hand and by rules; "overdue" and "due within 7 days"."""
from __future__ import annotations

from datetime import date, timedelta

from casework.cases.models import CaseStatus
from casework.cases.services import change_status
from casework.extensions import db
from casework.grants import services as grant_services
from casework.plans import services as plan_services
from casework.tasks.models import Task, TaskStatus
from tests.grants.helpers import approved as approved_grant
from tests.grants.helpers import submitted
from tests.plans.helpers import written


def _open(kind):
    return db.session.query(Task).filter_by(origin_kind=kind, status=TaskStatus.OPEN).all()


def test_arrival_makes_the_plan_due_after_the_programmes_days_and_approval_ends_it(office, factory):
    office.ch.plan_due_days = 20
    case = factory.case(office.ch, arrival=None)
    change_status(case, CaseStatus.ARRIVED, arrival_date=date(2011, 3, 1), actor=office.caseworker)
    [task] = [t for t in _open("plan_due") if t.case_id == case.id]
    assert task.due_on == date(2011, 3, 21) and task.title == "Write the reintegration plan"
    plan = written(case, office.caseworker)
    plan_services.submit_plan(plan, actor=office.caseworker)
    plan_services.decide_plan(plan, office.supervisor, "approved")
    assert not [t for t in _open("plan_due") if t.case_id == case.id]


def test_a_plan_items_target_date_is_a_task_that_follows_the_item(office):
    plan = written(office.ch_case, office.caseworker)
    [task] = _open("plan_item")
    assert task.due_on == date(2011, 6, 1) and "Open a bakery" in task.title
    item = plan.items[0]
    plan_services.update_item(item, {"item_type": "micro_business", "goal": "Open a bakery in Niš",
                                     "provider_kind": "office", "target_date": date(2011, 7, 1)},
                              actor=office.caseworker)
    assert [t.due_on for t in _open("plan_item")] == [date(2011, 7, 1)]


def test_a_grant_sent_back_is_a_task_for_its_proposer_until_resubmitted(office):
    grant = submitted(office)
    grant_services.decide(grant, office.supervisor, "sent_back", reason="Add a quote")
    [task] = _open("grant_sent_back")
    assert task.assignee_id == office.caseworker.id and task.origin_id == grant.id
    grant_services.submit_grant(grant, actor=office.caseworker)
    assert _open("grant_sent_back") == []


def test_a_part_payment_makes_the_review_before_the_next_tranche_due(office):
    grant = approved_grant(office, case=office.uk_case, amount="900", actor=office.caseworker_uk)
    paid_on = date.today()
    grant_services.record_disbursement(grant, office.caseworker_uk, paid_on=paid_on, amount="500", mode="cash")
    [task] = _open("tranche_review")
    assert task.due_on == paid_on + timedelta(days=182) and task.case_id == office.uk_case.id
    grant_services.record_disbursement(grant, office.caseworker_uk, paid_on=paid_on, amount="400", mode="cash")
    assert _open("tranche_review") == []


def test_closing_a_case_cancels_its_open_tasks(office):
    written(office.ch_case, office.caseworker)
    change_status(office.ch_case, CaseStatus.CLOSED, reason="support_ended", actor=office.caseworker)
    assert db.session.query(Task).filter_by(case_id=office.ch_case.id, status=TaskStatus.OPEN).count() == 0


def test_by_hand_on_the_case_page_then_overdue_and_due_within_7_days(office, client, auth, monkeypatch):
    auth.login("caseworker")
    case = office.ch_case
    today = date.today()
    for title, due in (("Call the school", today + timedelta(days=3)), ("Visit the workshop", today),
                       ("Bring the forms", today + timedelta(days=20))):
        client.post(f"/cases/{case.id}/tasks", data={"title": title, "due_on": due.isoformat(),
                                                     "assignee_id": office.caseworker.id})
    page = client.get(f"/cases/{case.id}?tab=tasks").get_data(as_text=True)
    assert "Call the school" in page and "Bring the forms" in page
    soon = client.get("/tasks/?view=soon").get_data(as_text=True)
    assert "Call the school" in soon and "Visit the workshop" in soon and "Bring the forms" not in soon
    assert "Visit the workshop" not in client.get("/tasks/?view=overdue").get_data(as_text=True)
    monkeypatch.setattr("casework.tasks.services.today", lambda: today + timedelta(days=1))
    overdue = client.get("/tasks/?view=overdue").get_data(as_text=True)
    assert "Visit the workshop" in overdue and "Call the school" not in overdue


def test_a_task_needs_a_title_and_a_date_and_is_closed_once(office, client, auth):
    auth.login("caseworker")
    response = client.post(f"/cases/{office.ch_case.id}/tasks", data={"title": "", "due_on": "2011-01-01"})
    assert db.session.query(Task).filter_by(origin_kind="manual").count() == 0
    client.post(f"/cases/{office.ch_case.id}/tasks", data={"title": "Call", "due_on": "2011-01-01",
                                                           "assignee_id": 0})
    task = db.session.query(Task).filter_by(origin_kind="manual").one()
    client.post(f"/tasks/{task.id}/close", data={"status": "done", "version": task.version})
    response = client.post(f"/tasks/{task.id}/close", data={"status": "done", "version": task.version})
    assert "Only an open task" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert task.status == TaskStatus.DONE
