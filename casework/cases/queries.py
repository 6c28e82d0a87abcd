"""Reading cases: the filtered, sorted and paginated case list, and loading one case."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import and_, bindparam, func, select, text
from sqlalchemy.orm import aliased, load_only, selectinload

from casework.auth.permissions import can_see_case, programme_filter, visible_programme_ids
from casework.cases.models import Case, CaseStatus, Person, Relationship
from casework.extensions import db
from casework.programmes.models import Programme

SORTS = {
    "arrival_desc": (Case.arrival_date.desc().nulls_last(), Case.id.desc()),
    "arrival_asc": (Case.arrival_date.asc().nulls_last(), Case.id.asc()),
    "reference": (Case.reference.asc(),),
    "newest": (Case.id.desc(),),
}


@dataclass
class CaseFilters:
    programme_code: str | None = None
    status: CaseStatus | None = None
    municipality: str | None = None
    arrived_from: date | None = None
    arrived_to: date | None = None
    sort: str = "arrival_desc"


@dataclass
class CasePage:
    rows: list  # (Case, principal Person | None, Programme)
    page: int
    per_page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def filter_cases(stmt, user, filters: CaseFilters):
    """Apply the user's visibility and the list's filters and sort to a statement over cases."""
    stmt = stmt.where(programme_filter(Case.programme_id, user))
    if filters.programme_code:
        # An id, not a subquery: equality on programme_id lets the database read its index in order.
        programme_id = db.session.scalar(select(Programme.id).where(Programme.code == filters.programme_code))
        stmt = stmt.where(Case.programme_id == (programme_id if programme_id is not None else -1))
    if filters.status:
        stmt = stmt.where(Case.status == filters.status)
    if filters.municipality:
        stmt = stmt.where(Case.municipality == filters.municipality)
    if filters.arrived_from:
        stmt = stmt.where(Case.arrival_date >= filters.arrived_from)
    if filters.arrived_to:
        stmt = stmt.where(Case.arrival_date <= filters.arrived_to)
    return stmt.order_by(*SORTS.get(filters.sort, SORTS["arrival_desc"]))


def case_rows(ids_or_stmt):
    """(Case, principal Person | None, Programme) for the given cases, in the statement's order."""
    principal = aliased(Person)
    return (
        select(Case, principal, Programme)
        .join(Programme, Programme.id == Case.programme_id)
        .outerjoin(principal, and_(principal.case_id == Case.id, principal.relationship == Relationship.PRINCIPAL))
        .where(Case.id.in_(ids_or_stmt))
        .options(
            load_only(Case.reference, Case.legacy_reference, Case.programme_id, Case.arrival_date, Case.municipality,
                      Case.status, Case.sending_country, Case.version),
            load_only(principal.family_name, principal.given_name, principal.relationship, principal.version),
        )
    )


def case_list(user, filters: CaseFilters, page: int = 1, per_page: int = 50) -> CasePage:
    """One page of cases the user may see, with each case's principal, in one query.

    The page's ids are found first over the sort index alone (a late page skips index
    entries, not joined rows); only those ids are joined to principal and programme.
    No COUNT(*): "next page" is known by asking for one row more.
    """
    page = max(1, min(page, 100_000))
    offset, limit = (page - 1) * per_page, per_page + 1
    if filters.sort in SORTS and filters.sort != "arrival_desc":
        ids = filter_cases(select(Case.id), user, filters).limit(limit).offset(offset)
    else:
        ids = _latest_arrival_ids(user, filters, offset, limit)
    stmt = case_rows(ids).order_by(*SORTS["arrival_desc" if filters.sort not in SORTS else filters.sort])
    rows = db.session.execute(stmt).all()
    return CasePage(rows=rows[:per_page], page=page, per_page=per_page, has_next=len(rows) > per_page)


def _latest_arrival_ids(user, filters: CaseFilters, offset: int, limit: int) -> list[int]:
    """Ids for the default order (latest arrival first, not yet returned last) in two plain
    index-ordered reads: returned cases by (arrival_date, id) descending, then the others by
    id. One "DESC NULLS LAST" read cannot use a plain index on PostgreSQL, which keeps NULLs
    first when reading an index backwards."""
    base = filter_cases(select(Case.id), user, filters).order_by(None)
    returned = base.where(Case.arrival_date.is_not(None))
    ids = list(db.session.scalars(
        returned.order_by(Case.arrival_date.desc(), Case.id.desc()).limit(limit).offset(offset)))
    if len(ids) == limit:
        return ids
    skip = 0
    if not ids:  # the page lies wholly after the returned cases
        skip = max(0, offset - db.session.scalar(select(func.count()).select_from(returned.subquery())))
    ids += db.session.scalars(base.where(Case.arrival_date.is_(None)).order_by(Case.id.desc())
                              .limit(limit - len(ids)).offset(skip))
    return ids


def get_case_or_404(case_id: int, user) -> Case:
    """Load a case the user may see. Another programme's case is a 404, not a 403: no leak."""
    case = db.session.get(
        Case, case_id, options=[selectinload(Case.persons).selectinload(Person.vulnerability_rows)]
    )
    if case is None or not can_see_case(user, case):
        abort(404)
    return case


def get_person_or_404(case: Case, person_id: int) -> Person:
    person = next((p for p in case.persons if p.id == person_id), None)
    if person is None:
        abort(404)
    return person


# Distinct municipalities by skipping through the (programme_id, municipality) index: one
# index seek per distinct value instead of reading every case.
_MUNICIPALITIES_SQL = """
WITH RECURSIVE m(programme_id, name) AS (
  SELECT p.id, (SELECT MIN(c.municipality) FROM cases c WHERE c.programme_id = p.id)
  FROM programmes p {where}
  UNION ALL
  SELECT m.programme_id, (SELECT MIN(c.municipality) FROM cases c
                          WHERE c.programme_id = m.programme_id AND c.municipality > m.name)
  FROM m WHERE m.name IS NOT NULL
)
SELECT DISTINCT name FROM m WHERE name IS NOT NULL ORDER BY name
"""


def municipalities(user) -> list[str]:
    ids = visible_programme_ids(user)
    if ids is None:
        return list(db.session.scalars(text(_MUNICIPALITIES_SQL.format(where=""))))
    stmt = text(_MUNICIPALITIES_SQL.format(where="WHERE p.id IN :ids")).bindparams(
        bindparam("ids", expanding=True))
    return list(db.session.scalars(stmt, {"ids": ids or [-1]}))
