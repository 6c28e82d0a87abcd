"""The statements behind My work. Every count of the page is one statement together, and each
section's first rows one more, so the page runs the same number of statements whatever the
caseload. Counts stop at COUNT_CAP (shown as "1000+"), so that a team's page reads a bounded
number of rows too."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from casework.auth.permissions import programmes_for
from casework.cases.models import Case
from casework.db import written
from casework.extensions import db
from casework.tasks import queries as tq

SHOWN = 10
COUNT_CAP = 1000


def capped(n: int) -> str:
    """A count as shown: "1000+" once it reaches the cap."""
    return f"{COUNT_CAP}+" if n >= COUNT_CAP else str(n)


def _ids(stmt):
    """The same rows' ids only: what an index holding the conditions' columns answers alone."""
    return stmt.with_only_columns(stmt.column_descriptions[0]["entity"].id)


def _counted(stmt):
    return select(func.count()).select_from(_ids(stmt).order_by(None).limit(COUNT_CAP).subquery()).scalar_subquery()


def counts(stmts: dict) -> dict:
    """{name: the statement's rows, counted up to the cap}, every statement's in one statement."""
    return dict(zip(stmts, db.session.execute(select(*(_counted(s) for s in stmts.values()))).one(), strict=True))


def first_rows(stmt, limit: int) -> list:
    """The first rows in the statement's order, in one statement: their ids are found first (from
    the indexes alone, where they hold the conditions), then only those rows are read. Otherwise
    PostgreSQL may walk every awaiting row in the list's order, reading each row's case, to find a
    caseworker's first ten."""
    entity = stmt.column_descriptions[0]["entity"]
    return list(db.session.scalars(stmt.where(entity.id.in_(_ids(stmt).limit(limit)))).unique())


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

    return (select(Referral).join(Case, Case.id == Referral.case_id).options(contains_eager(Referral.case))
            .where(tq.case_scope(user), Referral.status == written(Referral.status, ReferralStatus.SENT))
            .order_by(Referral.sent_on, Referral.id))
