"""Tasks made by rules. Each rule keeps at most one open task per thing it is about, updates its
due date when the thing changes, and closes it when the thing is dealt with."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from casework.audit.services import record
from casework.db import utcnow
from casework.extensions import db
from casework.tasks import labels
from casework.tasks.models import Task, TaskStatus

TRANCHE_REVIEW_DAYS = 182  # VARRP paid a further tranche after a six-month review


def _open(kind: str, origin_id: int) -> Task | None:
    return db.session.scalar(select(Task).where(Task.origin_kind == kind, Task.origin_id == origin_id,
                                                Task.status == TaskStatus.OPEN))


def ensure(case, kind: str, origin_id: int, title: str, due_on: date, assignee_id: int | None,
           actor=None) -> Task | None:
    """The rule's open task about this thing, made or moved to its due date; none on a case that ended."""
    from casework.cases.models import CaseStatus

    if case.status in (CaseStatus.CLOSED, CaseStatus.WITHDRAWN):
        return None
    task = _open(kind, origin_id)
    if task is None:
        return _rule_task(case, kind, origin_id, title, due_on, assignee_id, actor)
    if task.due_on != due_on:
        task.due_on = due_on
        db.session.flush()
    return task


def _rule_task(case, kind, origin_id, title, due_on, assignee_id, actor) -> Task:
    # A rule's assignee is the case's caseworker or the grant's proposer, not chosen by hand: no check.
    task = Task(case_id=case.id, title=title[:200], due_on=due_on, assignee_id=assignee_id, origin_kind=kind,
                origin_id=origin_id, created_by_id=actor.id if actor else None)
    db.session.add(task)
    db.session.flush()
    record("task_added", user=actor, entity=task, programme_id=case.programme_id,
           changes={"title": task.title, "due_on": due_on, "assignee": assignee_id, "origin": kind},
           summary=case.reference)
    return task


def close_origin_tasks(kind: str, origin_id: int, actor=None) -> None:
    """The thing a rule's task is about was dealt with: its open task is done."""
    db.session.execute(update(Task).where(Task.origin_kind == kind, Task.origin_id == origin_id,
                                          Task.status == TaskStatus.OPEN)
                       .values(status=TaskStatus.DONE, closed_at=utcnow(), closed_by_id=actor.id if actor else None,
                               version=Task.version + 1)
                       .execution_options(synchronize_session="fetch"))


def after_status_change(case, old_status, new_status, actor=None) -> None:
    """On arrival the plan and the scheduled monitoring visits fall due; a closed or withdrawn case has no open tasks left."""
    from casework.cases.models import CaseStatus
    from casework.plans.services import plan_due_on, plan_of

    if new_status == CaseStatus.ARRIVED and old_status in (None, CaseStatus.REFERRED, CaseStatus.WITHDRAWN):
        plan = plan_of(case)
        if plan is None or plan.approved_number is None:
            ensure(case, "plan_due", case.id, str(labels.PLAN_DUE_TITLE), plan_due_on(case), case.caseworker_id,
                   actor)
        from casework.monitoring.services import schedule_visits

        schedule_visits(case, actor)
    elif new_status in (CaseStatus.CLOSED, CaseStatus.WITHDRAWN):
        db.session.execute(update(Task).where(Task.case_id == case.id, Task.status == TaskStatus.OPEN)
                           .values(status=TaskStatus.CANCELLED, closed_at=utcnow(),
                                   closed_by_id=actor.id if actor else None, version=Task.version + 1)
                           .execution_options(synchronize_session="fetch"))


def plan_item_target(item, actor=None) -> None:
    """A plan item with a target date is a task for the case's caseworker on that date."""
    from casework.plans.models import ItemStatus

    case = item.plan.case
    if item.target_date is None or item.status in (ItemStatus.DONE, ItemStatus.DROPPED):
        close_origin_tasks("plan_item", item.id, actor)
        return
    ensure(case, "plan_item", item.id, str(labels.PLAN_ITEM_TITLE) % {"goal": item.goal[:150]}, item.target_date,
           case.caseworker_id, actor)


def grant_sent_back(grant, actor=None) -> None:
    """A grant sent back is a task for its proposer, due within a week."""
    ensure(grant.case, "grant_sent_back", grant.id, str(labels.GRANT_SENT_BACK_TITLE) % {"id": grant.id},
           utcnow().date() + timedelta(days=7), grant.created_by_id or grant.case.caseworker_id, actor)


def after_disbursement(grant, paid_on: date, fully_paid: bool, actor=None) -> None:
    """A part payment makes the review before the next tranche due; the last payment ends it."""
    close_origin_tasks("tranche_review", grant.id, actor)
    if not fully_paid:
        ensure(grant.case, "tranche_review", grant.id, str(labels.TRANCHE_TITLE) % {"id": grant.id},
               paid_on + timedelta(days=TRANCHE_REVIEW_DAYS), grant.case.caseworker_id, actor)
