"""Which tasks, cases, grants and referrals a user's work lists hold: one statement per list."""
from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import and_, case, false, func, select, text, true
from sqlalchemy.orm import aliased

from casework.auth.models import Role, User
from casework.cases.models import ACTIVE_SQL, ACTIVE_STATUSES, Case, CaseStatus
from casework.db import written
from casework.tasks.models import Task, TaskStatus
from casework.tasks.services import SOON_DAYS

ACTIVE = ACTIVE_STATUSES
OPEN_CASE = (CaseStatus.REFERRED, CaseStatus.ARRIVED, CaseStatus.REINTEGRATION, CaseStatus.MONITORING)


def sees_team(user) -> bool:
    return user.role in (Role.SUPERVISOR, Role.ADMIN)


def case_scope(user):
    """A caseworker's own cases; a supervisor's team: every case of their programmes."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.SUPERVISOR:
        ids = [p.id for p in user.programmes]
        return Case.programme_id.in_(ids or [-1])
    if user.role == Role.CASEWORKER:
        return and_(Case.caseworker_id == user.id, Case.programme_id.in_([p.id for p in user.programmes] or [-1]))
    return false()


def task_scope(user):
    """A caseworker's tasks are those assigned to them; a supervisor sees the team's."""
    if sees_team(user):
        return case_scope(user)
    ids = [p.id for p in user.programmes]
    return and_(Task.assignee_id == user.id, Case.programme_id.in_(ids or [-1]))


def task_condition(view: str, day: date):
    open_ = Task.status == written(Task.status, TaskStatus.OPEN)  # the text of ix_tasks_open_due
    return {
        # The days written into the SQL: a statement that is the same all day is planned once (casework.db.written).
        "overdue": and_(open_, Task.due_on < written(Task.due_on, day)),
        "soon": and_(open_, Task.due_on.between(written(Task.due_on, day),
                                                written(Task.due_on, day + timedelta(days=SOON_DAYS)))),
        "open": open_,
        "done": Task.status != TaskStatus.OPEN,
    }[view]


def tasks_stmt(user, view: str, day: date):
    stmt = (select(Task).join(Case, Case.id == Task.case_id).where(task_scope(user), task_condition(view, day)))
    order = (Task.closed_at.desc(),) if view == "done" else (Task.due_on, Task.id)
    return stmt.order_by(*order)


class TaskLine(NamedTuple):
    """A task as a list shows it, read as plain columns: a list of tasks reads no task objects."""
    id: int
    case_id: int
    case_reference: str
    title: str
    due_on: date
    status: TaskStatus
    origin_kind: str
    origin_id: int | None
    version: int
    assignee_name: str | None


def task_line_columns():
    """A TaskLine's columns, and the join to the assignee that its last one needs (the case's
    reference needs the task's case joined too)."""
    assignee = aliased(User)
    name = func.coalesce(func.nullif(assignee.full_name, ""), assignee.username)
    return ((Task.id, Task.case_id, Case.reference, Task.title, Task.due_on, Task.status, Task.origin_kind,
             Task.origin_id, Task.version, name), (assignee, assignee.id == Task.assignee_id))


def task_lines_stmt(stmt):
    """The lines of a statement of tasks joined to their cases (as tasks_stmt's), in its order."""
    columns, (assignee, onclause) = task_line_columns()
    return stmt.with_only_columns(*columns).outerjoin(assignee, onclause)


def task_lines(stmt) -> list[TaskLine]:
    from casework.extensions import db

    return [TaskLine(*row) for row in db.session.execute(stmt)]


def plan_overdue_condition(programmes, day: date):
    """Active cases past their programme's plan deadline with no approved plan."""
    if not programmes:
        return false()
    # Each programme's deadline as one CASE expression rather than an OR of ranges, so that the
    # planner reads the user's cases (by caseworker or status) instead of every case before a deadline.
    deadline = case({p.id: day - timedelta(days=p.plan_due_days) for p in programmes}, value=Case.programme_id)
    # The statuses as literal SQL: with the plan's absence, the condition of the partial index
    # ix_cases_unplanned_arrival (UNPLANNED_SQL), which SQLite uses only when written the same.
    return and_(text("cases." + ACTIVE_SQL), Case.plan_approved_at.is_(None), Case.arrival_date < deadline)


def sent_back_condition(user):
    from casework.grants.models import DecisionOutcome, Grant, GrantDecision, GrantStatus

    sent_back = (select(GrantDecision.id).where(GrantDecision.grant_id == Grant.id,
                                                GrantDecision.outcome == DecisionOutcome.SENT_BACK).exists())
    mine = true() if sees_team(user) else Grant.created_by_id == user.id
    return and_(Grant.status == written(Grant.status, GrantStatus.DRAFT), sent_back, mine)  # ix_grants_drafts
