"""Reading cases: the filtered, sorted and paginated case list, and loading one case."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import and_, select
from sqlalchemy.orm import aliased, selectinload

from casework.auth.permissions import can_see_case, programme_filter
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


def case_list(user, filters: CaseFilters, page: int = 1, per_page: int = 50) -> CasePage:
    """One page of cases the user may see, with each case's principal, in one query."""
    principal = aliased(Person)
    stmt = (
        select(Case, principal, Programme)
        .join(Programme, Programme.id == Case.programme_id)
        .outerjoin(principal, and_(principal.case_id == Case.id, principal.relationship == Relationship.PRINCIPAL))
        .where(programme_filter(Case.programme_id, user))
    )
    if filters.programme_code:
        stmt = stmt.where(Programme.code == filters.programme_code)
    if filters.status:
        stmt = stmt.where(Case.status == filters.status)
    if filters.municipality:
        stmt = stmt.where(Case.municipality == filters.municipality)
    if filters.arrived_from:
        stmt = stmt.where(Case.arrival_date >= filters.arrived_from)
    if filters.arrived_to:
        stmt = stmt.where(Case.arrival_date <= filters.arrived_to)
    stmt = stmt.order_by(*SORTS.get(filters.sort, SORTS["arrival_desc"]))
    page = max(1, min(page, 100_000))
    rows = db.session.execute(stmt.limit(per_page + 1).offset((page - 1) * per_page)).all()
    return CasePage(rows=rows[:per_page], page=page, per_page=per_page, has_next=len(rows) > per_page)


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


def municipalities(user) -> list[str]:
    stmt = (
        select(Case.municipality)
        .where(programme_filter(Case.programme_id, user), Case.municipality.is_not(None))
        .distinct()
        .order_by(Case.municipality)
    )
    return list(db.session.scalars(stmt))
