"""The rules for tasks: adding by hand, closing, and what "overdue" and "due within 7 days" mean."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from casework.audit.services import record
from casework.auth.permissions import can_edit_case
from casework.db import utcnow
from casework.errors import Conflict, DomainError, NotAllowed
from casework.extensions import db
from casework.tasks.models import Task, TaskStatus

SOON_DAYS = 7


def today() -> date:
    """The office's today; My work and the task lists count overdue from it."""
    return date.today()


def overdue(column, day: date):
    return column < day


def due_soon(column, day: date):
    """Due today or within the next 7 days (not yet overdue)."""
    return column.between(day, day + timedelta(days=SOON_DAYS))


def add_task(case, title: str, due_on: date | None, assignee_id: int | None, actor=None,
             origin_kind: str = "manual", origin_id: int | None = None) -> Task:
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_("Say what is to be done."), "title")
    if len(title) > 200:
        raise DomainError(_("A task's title holds at most 200 characters."), "title")
    if due_on is None:
        raise DomainError(_("Enter the due date."), "due_on")
    if assignee_id is not None:
        from casework.auth.models import User

        user = db.session.get(User, assignee_id)
        if user is None or not user.is_active or not can_edit_case(user, case):
            raise DomainError(_("Choose someone who works on this case's programme."), "assignee_id")
    task = Task(case_id=case.id, title=title, due_on=due_on, assignee_id=assignee_id, origin_kind=origin_kind,
                origin_id=origin_id, created_by_id=actor.id if actor else None)
    db.session.add(task)
    db.session.flush()
    record("task_added", user=actor, entity=task, programme_id=case.programme_id,
           changes={"title": title, "due_on": due_on, "assignee": assignee_id, "origin": origin_kind},
           summary=case.reference)
    return task


def close_task(task: Task, status, actor=None, expected_version: int | None = None) -> None:
    if actor is not None and not can_edit_case(actor, task.case):
        raise NotAllowed(_("You do not work on this task's case."))
    if expected_version is not None and expected_version != task.version:
        raise Conflict(_("Someone else changed this task since you opened it. Nothing was saved."))
    status = TaskStatus(status)
    if task.status != TaskStatus.OPEN or status == TaskStatus.OPEN:
        raise DomainError(_("Only an open task can be marked done or cancelled."), "status")
    task.status = status
    task.closed_by_id = actor.id if actor else None
    task.closed_at = utcnow()
    db.session.flush()
    record("task_closed", user=actor, entity=task, programme_id=task.case.programme_id,
           changes={"status": ["open", status.value]}, summary=task.case.reference)


def open_tasks_of(case) -> list[Task]:
    from sqlalchemy.orm import joinedload

    return list(db.session.scalars(select(Task).where(Task.case_id == case.id, Task.status == TaskStatus.OPEN)
                                   .options(joinedload(Task.assignee)).order_by(Task.due_on, Task.id)))
