"""The statements behind My work: two, whatever the caseload. One counts the open cases by status
(and a supervisor's decision queue and plans awaiting approval); the other reads every list (tasks,
sections) at once, each list's first SHOWN lines carrying how many lines it has up to COUNT_CAP.
Counts stop at COUNT_CAP (shown as "100+"), so that a team's page reads a bounded number of rows
too: My work says what needs doing, and every count links to its list; the case list, the dashboard
and the reports give whole totals."""
from __future__ import annotations

from collections import namedtuple
from datetime import date

from sqlalchemy import Integer, bindparam, cast, func, literal, null, select, text, union_all
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
TASK_LISTS = ("overdue", "soon")  # the page's lists of tasks, by the view of casework.tasks.queries


def capped(n: int) -> str:
    """A count as shown: "100+" once it reaches the cap."""
    return f"{COUNT_CAP}+" if n >= COUNT_CAP else str(n)


def _ids(stmt):
    """The same rows' ids only: what an index holding the conditions' columns answers alone."""
    return stmt.with_only_columns(stmt.column_descriptions[0]["entity"].id)


def _counted(stmt):
    cap = bindparam("counted", type_=Integer, literal_execute=True)  # bound when run: COUNT_CAP
    return select(func.count()).select_from(_ids(stmt).order_by(None).limit(cap).subquery()).scalar_subquery()


def _first(stmt, limit: int):
    """The first rows in the statement's order: their ids are found first (from the indexes alone,
    where they hold the conditions), then only those rows are read. Otherwise PostgreSQL may walk
    every awaiting row in the list's order, reading each row's case, to find a caseworker's first ten."""
    entity = stmt.column_descriptions[0]["entity"]
    return stmt.where(entity.id.in_(_ids(stmt).limit(limit)))


def _shown(stmt, columns, *outer_joins):
    """The first SHOWN of the statement's rows as `columns` (of its entity and its case, joined by
    the entity's case_id, and of `outer_joins`, each (target, onclause)), each with two more
    columns last: "listed", how many rows the statement has up to COUNT_CAP, and "place", the
    line's place in the statement's order. The count is over the statement's first COUNT_CAP ids,
    found as _first finds them; only the lines shown are then read, by id, and sent. No line comes
    back when the list is empty: its count is then 0."""
    entity = stmt.column_descriptions[0]["entity"]
    keys = _order_keys(stmt)
    firsts = (stmt.with_only_columns(entity.id, *(column.label(f"key_{n}") for n, (column, _) in enumerate(keys)))
              .limit(bindparam("counted", type_=Integer, literal_execute=True)).subquery())
    # Each counted row's place in the list's order, from the keys the ids were found with.
    place = func.row_number().over(order_by=[(firsts.c[f"key_{n}"].desc() if descending else firsts.c[f"key_{n}"])
                                             for n, (_, descending) in enumerate(keys)])
    counted = select(firsts.c.id, func.count().over().label("listed"), place.label("place")).subquery()
    lines = select(*columns, counted.c.listed).select_from(counted).join(entity, entity.id == counted.c.id)
    if entity is not Case:
        lines = lines.join(Case, Case.id == entity.case_id)
    for target, onclause in outer_joins:
        lines = lines.outerjoin(target, onclause)
    shown = bindparam("shown", type_=Integer, literal_execute=True)  # bound when run: SHOWN
    return lines.add_columns(counted.c.place).where(counted.c.place <= shown)


def _order_keys(stmt) -> list[tuple]:
    """A statement's order as (column, descending) pairs, read from its ORDER BY clauses (SQLAlchemy
    keeps them in `_order_by_clauses` and offers no public reader): each list is ordered once, by
    the statement that also serves its own page."""
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

    # Each list's statement, and what the page shows of each line, by name: its link and its case's
    # reference, a task's line (TaskLine) with its assignee's name.
    lists = {"plans_overdue": (plan_overdue_stmt(user, day), {"id": Case.id, "reference": Case.reference,
                                                             "arrival_date": Case.arrival_date}),
             "sent_back": (sent_back_stmt(user), {"id": Grant.id, "reference": Case.reference}),
             "referrals": (referrals_awaiting_stmt(user), {"case_id": Referral.case_id, "reference": Case.reference,
                                                          "plan_item_id": Referral.plan_item_id,
                                                          "sent_on": Referral.sent_on})}
    if tq.sees_team(user):
        from casework.monitoring.services import flagged_grants_stmt

        lists["flagged"] = (flagged_grants_stmt(user), {"id": Grant.id, "reference": Case.reference})
    task_columns, assignee = tq.task_line_columns()
    for view in TASK_LISTS:
        lists[view] = (tq.tasks_stmt(user, view, day), dict(zip(tq.TaskLine._fields, task_columns, strict=True)),
                       assignee)
    counted = {status: cases_stmt(user, status) for status in tq.OPEN_CASE}
    counts = [_counted(s) for s in counted.values()]
    names = list(counted)
    params = {}
    if user.role == Role.SUPERVISOR:
        from casework.grants.services import queue_count_statements
        from casework.plans.services import plans_awaiting

        counts.append(_counted(plans_awaiting(user)))
        queue, params = queue_count_statements(user)  # the decision queue's two stretches (queue_total)
        counts += [stmt.scalar_subquery() for stmt in queue]
        names += ["plans_awaiting", "queue_legacy", "queue_submitted"]
    # Each list's lines as named tuples of what it shows; a task's as a TaskLine.
    line_types = {name: tq.TaskLine if name in TASK_LISTS else namedtuple(f"{name}_line", columns)
                  for name, (_stmt, columns, *_joins) in lists.items()}
    return {"counted": tuple(names), "counts": select(*counts), "count_params": params, "lists": tuple(lists),
            "line_types": line_types, "lines": _lines(lists)}


def _lines(lists: dict):
    """Every list's first SHOWN lines with its count (up to the cap), in one statement: each list's
    (see _shown) fills the columns it shows, under their names, and leaves the others empty; a line
    says which list it is of ("list") and its place there."""
    types = {}
    for _stmt, columns, *_joins in lists.values():
        for name, column in columns.items():
            types.setdefault(name, column.type)
    parts = [_shown(stmt, [columns[name].label(name) if name in columns else cast(null(), kind).label(name)
                           for name, kind in types.items()] + [literal(number, Integer).label("list")], *joins)
             for number, (stmt, columns, *joins) in enumerate(lists.values())]
    lines = union_all(*parts).subquery()
    return select(lines).order_by(lines.c.list, lines.c.place)


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
    """What My work shows: {"counts": {name: n}, "lines": {list: lines}}, from two statements: the
    counts of cases by status (and a supervisor's queue and plans awaiting), and every list's lines
    with its count."""
    built = page_statements(user, day)
    counts = dict(zip(built["counted"], db.session.execute(built["counts"], {"counted": COUNT_CAP, "cap": COUNT_CAP,
                                                                         **built["count_params"]})
                      .one(), strict=True))
    if "queue_legacy" in counts:
        from casework.grants.services import queue_total

        counts["queue"] = queue_total(counts.pop("queue_legacy"), counts.pop("queue_submitted"), COUNT_CAP)
    lines = {name: [] for name in built["lists"]}
    counts.update(dict.fromkeys(built["lists"], 0))
    for row in db.session.execute(built["lines"], {"counted": COUNT_CAP, "shown": SHOWN}):
        name = built["lists"][row.list]
        counts[name] = row.listed
        line = built["line_types"][name]
        lines[name].append(line._make(getattr(row, field) for field in line._fields))
    return {"counts": counts, "lines": lines}


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
