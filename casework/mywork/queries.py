"""The statements behind My work. The counts of cases by status are one statement together, and
each list (tasks, sections) one more, which reads its first SHOWN lines, each carrying how many
lines the list has up to COUNT_CAP. So the page runs the same number of statements whatever the
caseload. Counts stop at COUNT_CAP (shown as "100+"), so that a team's page reads a bounded number
of rows too: My work says what needs doing, and every count links to its list; the case list, the
dashboard and the reports give whole totals."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Integer, bindparam, func, select, text
from sqlalchemy.orm import contains_eager
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from casework.auth.models import Role
from casework.auth.permissions import programmes_for
from casework.cases.models import AWAITING_SQL, Case
from casework.db import written
from casework.extensions import db
from casework.tasks import queries as tq

SHOWN = 10
COUNT_CAP = 100


def capped(n: int) -> str:
    """A count as shown: "100+" once it reaches the cap."""
    return f"{COUNT_CAP}+" if n >= COUNT_CAP else str(n)


def _ids(stmt):
    """The same rows' ids only: what an index holding the conditions' columns answers alone."""
    return stmt.with_only_columns(stmt.column_descriptions[0]["entity"].id)


def _counted(stmt):
    cap = bindparam("cap", type_=Integer)  # bound when run: COUNT_CAP
    return select(func.count()).select_from(_ids(stmt).order_by(None).limit(cap).subquery()).scalar_subquery()


def _first(stmt, limit: int):
    """The first rows in the statement's order: their ids are found first (from the indexes alone,
    where they hold the conditions), then only those rows are read. Otherwise PostgreSQL may walk
    every awaiting row in the list's order, reading each row's case, to find a caseworker's first ten."""
    entity = stmt.column_descriptions[0]["entity"]
    return stmt.where(entity.id.in_(_ids(stmt).limit(limit)))


def _shown(stmt, columns, *outer_joins):
    """The first SHOWN of the statement's rows as `columns` (of its entity and its case, joined by
    the entity's case_id, and of `outer_joins`, each (target, onclause)), each with one more column
    last: how many rows the statement has, up to COUNT_CAP. The count is over the statement's first
    COUNT_CAP ids, found as _first finds them; only the lines shown are then read, by id, and sent.
    No line comes back when the list is empty: its count is then 0."""
    entity = stmt.column_descriptions[0]["entity"]
    keys = _order_keys(stmt)
    firsts = (stmt.with_only_columns(entity.id, *(column.label(f"key_{n}") for n, (column, _) in enumerate(keys)))
              .limit(bindparam("cap", type_=Integer)).subquery())
    # Each counted row's place in the list's order, from the keys the ids were found with.
    place = func.row_number().over(order_by=[(firsts.c[f"key_{n}"].desc() if descending else firsts.c[f"key_{n}"])
                                             for n, (_, descending) in enumerate(keys)])
    counted = select(firsts.c.id, func.count().over().label("listed"), place.label("place")).subquery()
    lines = select(*columns, counted.c.listed).select_from(counted).join(entity, entity.id == counted.c.id)
    if entity is not Case:
        lines = lines.join(Case, Case.id == entity.case_id)
    for target, onclause in outer_joins:
        lines = lines.outerjoin(target, onclause)
    shown = bindparam("shown", type_=Integer)  # bound when run: SHOWN
    return lines.where(counted.c.place <= shown).order_by(counted.c.place)


def _order_keys(stmt) -> list[tuple]:
    """A statement's order as (column, descending) pairs."""
    keys = []
    for clause in stmt._order_by_clauses:
        descending = isinstance(clause, UnaryExpression) and clause.modifier is operators.desc_op
        keys.append((clause.element if isinstance(clause, UnaryExpression) else clause, descending))
    return keys


def first_rows(stmt, limit: int) -> list:
    return list(db.session.scalars(_first(stmt, limit)).unique())


def _page_statements(user, day: date) -> dict:
    from casework.grants.models import Grant
    from casework.referrals.models import Referral

    # Each section's statement, and what the page shows of each row: its link and its case's reference.
    sections = {"plans_overdue": (plan_overdue_stmt(user, day), (Case.id, Case.reference, Case.arrival_date)),
                "sent_back": (sent_back_stmt(user), (Grant.id, Case.reference)),
                "referrals": (referrals_awaiting_stmt(user),
                              (Referral.case_id, Referral.plan_item_id, Case.reference, Referral.sent_on))}
    if tq.sees_team(user):
        from casework.monitoring.services import flagged_grants_stmt

        sections["flagged"] = (flagged_grants_stmt(user), (Grant.id, Case.reference))
    tasks = {view: tq.tasks_stmt(user, view, day) for view in ("overdue", "soon")}
    counted = {status: cases_stmt(user, status) for status in tq.OPEN_CASE}
    counts = [_counted(s) for s in counted.values()]
    names = list(counted)
    params = {}
    if user.role == Role.SUPERVISOR:
        from casework.grants.services import queue_count_statements
        from casework.plans.services import plans_awaiting

        counts.append(_counted(plans_awaiting(user)))
        queue, params = queue_count_statements(user)  # the decision queue's two stretches, summed in page()
        counts += [stmt.scalar_subquery() for stmt in queue]
        names += ["plans_awaiting", "queue_legacy", "queue_submitted"]
    # Each list's first SHOWN lines with its count (up to the cap), in one statement. Plain lines:
    # the few columns the page shows, the case's reference and a task's assignee's name.
    return {"counted": tuple(names), "counts": select(*counts), "count_params": params,
            "sections": {name: _shown(stmt, columns) for name, (stmt, columns) in sections.items()},
            "tasks": {view: _shown(stmt, *tq.task_line_columns()) for view, stmt in tasks.items()}}


_BUILT: dict = {}
_BUILT_MAX = 200  # a user's statements weigh about 0.1 MB; the office's users of the day fit


def page_statements(user, day: date) -> dict:
    """My work's statements for this user on this day, built once: composing them costs more than
    running them. Kept by everything they are built of: the user and role, the user's programmes and
    each one's plan deadline, the day."""
    key = (user.id, user.role, tuple(sorted(p.id for p in user.programmes)),
           tuple((p.id, p.plan_due_days) for p in programmes_for(user)), day)
    built = _BUILT.get(key)
    if built is None:
        if len(_BUILT) >= _BUILT_MAX:
            _BUILT.clear()
        built = _BUILT[key] = _page_statements(user, day)
    return built


def page(user, day: date) -> dict:
    """What My work shows: {"counts": {name: n}, "tasks": {view: lines}, "sections": {name: lines}}, in
    one statement for the counts of cases by status, one per task list and one per section."""
    built = page_statements(user, day)
    counts = dict(zip(built["counted"], db.session.execute(built["counts"], {"cap": COUNT_CAP, **built["count_params"]})
                      .one(), strict=True))
    if "queue_legacy" in counts:
        counts["queue"] = min(COUNT_CAP, counts.pop("queue_legacy") + counts.pop("queue_submitted"))
    found = {"counts": counts, "tasks": {}, "sections": {}}
    for kind, line in (("tasks", lambda row: tq.TaskLine._make(row[:-1])), ("sections", lambda row: row)):
        for name, stmt in built[kind].items():
            rows = db.session.execute(stmt, {"cap": COUNT_CAP, "shown": SHOWN}).all()
            counts[name] = rows[0].listed if rows else 0
            found[kind][name] = [line(row) for row in rows]
    return found


def cases_stmt(user, status):
    return select(Case).where(tq.case_scope(user), Case.status == status).order_by(Case.arrival_date.desc(), Case.id)


def plan_overdue_stmt(user, day: date):
    programmes = programmes_for(user)
    return (select(Case).where(tq.case_scope(user), tq.plan_overdue_condition(programmes, day))
            .order_by(Case.arrival_date, Case.id))


def sent_back_stmt(user):
    from casework.grants.models import Grant

    return (select(Grant).join(Case, Case.id == Grant.case_id).options(contains_eager(Grant.case))
            .where(tq.case_scope(user), tq.sent_back_condition(user)).order_by(Grant.updated_at.desc(), Grant.id))


def referrals_awaiting_stmt(user):
    from casework.referrals.models import Referral, ReferralStatus

    stmt = (select(Referral).join(Case, Case.id == Referral.case_id).options(contains_eager(Referral.case))
            .where(tq.case_scope(user), Referral.status == written(Referral.status, ReferralStatus.SENT))
            .order_by(Referral.sent_on, Referral.id))
    if not tq.sees_team(user):
        # A caseworker's referrals are found from their cases with one awaiting (Case.referrals_awaiting,
        # the partial index ix_cases_caseworker_awaiting), not by looking in every case they ever had.
        stmt = stmt.where(text("cases." + AWAITING_SQL))
    return stmt
