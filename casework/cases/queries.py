"""Reading cases: the filtered, sorted and paginated case list, and loading one case."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, bindparam, func, select, text, tuple_
from sqlalchemy.orm import aliased, joinedload

from casework.auth.permissions import (
    can_see_case,
    programme_filter,
    sees_all_programmes,
    visible_programme_ids,
)
from casework.cases.models import Case, CaseStatus, Person, Relationship
from casework.extensions import db
from casework.loading import found_or_404, load_or_404
from casework.programmes.models import Programme

SORTS = {
    "arrival_desc": (Case.arrival_date.desc().nulls_last(), Case.id.desc()),
    "arrival_asc": (Case.arrival_date.asc().nulls_last(), Case.id.asc()),
    "reference": (Case.reference.asc(),),
    "newest": (Case.id.desc(),),
}
# Search results' own order, by the matching person's name (casework/search/services.py).
NAME_SORT = "name"


@dataclass
class CaseFilters:
    programme_code: str | None = None
    status: CaseStatus | None = None
    municipality: str | None = None
    arrived_from: date | None = None
    arrived_to: date | None = None
    sort: str = "arrival_desc"
    query: str | None = None  # the search box's text (names, references, dates of birth)

    def described(self) -> dict:
        """The filters in force, as plain values (what the audit trail records of an export)."""
        values = {"programme": self.programme_code, "status": self.status.value if self.status else None,
                  "municipality": self.municipality, "arrived_from": self.arrived_from,
                  "arrived_to": self.arrived_to, "q": self.query}
        return {key: value.isoformat() if isinstance(value, date) else value
                for key, value in values.items() if value is not None}


@dataclass
class CasePage:
    rows: list  # list_columns() rows: the case, its programme's code and one person's name
    page: int
    per_page: int
    has_next: bool
    first: Cursor | None = None  # where this page starts and ends, for "Previous" and "Next"
    last: Cursor | None = None

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def before(self) -> str | None:
        """What "Previous" carries: where this page starts (None: go by page number)."""
        return self.first.encode() if self.first else None

    @property
    def after(self) -> str | None:
        """What "Next" carries: where this page ends."""
        return self.last.encode() if self.last else None


def filter_cases(stmt, user, filters: CaseFilters):
    """Apply the user's visibility and the list's filters and sort to a statement over cases."""
    stmt = stmt.where(programme_filter(Case.programme_id, user))
    if filters.programme_code:
        # An id, not a subquery: equality on programme_id lets the database read its index in order.
        # A user's own programmes are loaded with the user; only an admin's filter needs a lookup.
        programme_id = next((p.id for p in user.programmes if p.code == filters.programme_code), None)
        if programme_id is None and sees_all_programmes(user):
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


def list_columns(case=Case, person=Person) -> tuple:
    """What a line of the case list shows: plain columns, no ORM objects to build per row."""
    return (case.id, case.reference, case.legacy_reference, case.arrival_date, case.municipality, case.status,
            Programme.code.label("programme_code"), person.id.label("person_id"), person.family_name,
            person.given_name, person.birth_year, person.birth_date, person.relationship)


def case_rows(ids_or_stmt):
    """A list line for each of the given cases (the principal's name beside the case)."""
    principal = aliased(Person)
    return (
        select(*list_columns(Case, principal))
        .join(Programme, Programme.id == Case.programme_id)
        .outerjoin(principal, and_(principal.case_id == Case.id, principal.relationship == Relationship.PRINCIPAL))
        .where(Case.id.in_(ids_or_stmt))
    )


@dataclass(frozen=True)
class Phase:
    """A stretch of a sort order that one index reads in order: the rows matching `where`,
    ordered by `keys` (the last of them Case.id, so that the order is total)."""

    where: object
    keys: tuple
    descending: bool


_RETURNED, _NOT_YET = Case.arrival_date.is_not(None), Case.arrival_date.is_(None)
# Cases not yet returned have no arrival date and come last in both arrival orders. Each
# phase is one plain index read: one "DESC NULLS LAST" read cannot use a plain index on
# PostgreSQL, which keeps NULLs first when reading an index backwards.
PHASES = {
    "arrival_desc": (Phase(_RETURNED, (Case.arrival_date, Case.id), True), Phase(_NOT_YET, (Case.id,), True)),
    "arrival_asc": (Phase(_RETURNED, (Case.arrival_date, Case.id), False), Phase(_NOT_YET, (Case.id,), False)),
    "reference": (Phase(None, (Case.reference, Case.id), False),),
    "newest": (Phase(None, (Case.id,), True),),
}


@dataclass(frozen=True)
class Cursor:
    """Where a page starts or ends in its sort order: a phase and the sort keys of one row.

    In the URL as "phase.id" or "phase.id.value" (the value last, as it may hold dots)."""

    phase: int
    keys: tuple

    def encode(self) -> str:
        *value, case_id = self.keys
        return ".".join([str(self.phase), str(case_id), *(v.isoformat() if isinstance(v, date) else str(v)
                                                          for v in value)])

    @classmethod
    def decode(cls, text: str | None, sort: str) -> Cursor | None:
        """The cursor in `text`, or None when it is missing or not one of this sort's."""
        parts = (text or "").split(".", 2)
        try:
            phase, case_id = int(parts[0]), int(parts[1])
            keys = PHASES[sort][phase].keys
            if phase < 0 or len(parts) != len(keys) + 1:
                return None
            if len(keys) == 1:
                return cls(phase, (case_id,))
            value = date.fromisoformat(parts[2]) if keys[0] is Case.arrival_date else parts[2]
            return cls(phase, (value, case_id))
        except (ValueError, IndexError, KeyError):
            return None


def case_list(user, filters: CaseFilters, page: int = 1, per_page: int = 50,
              after: Cursor | None = None, before: Cursor | None = None) -> CasePage:
    """One page of cases the user may see, each with its principal.

    Pages are read by keyset: "Next" starts after the last row shown and "Previous" ends
    before the first, so a late page costs what the first does. A page asked for by number
    alone skips rows through the sort index. The page's ids are found over the index first;
    only those ids are joined to principal and programme. No COUNT(*): whether there is a
    next page is known by reading one row more.
    """
    sort = filters.sort if filters.sort in PHASES else "arrival_desc"
    page = max(1, min(page, 100_000))
    if before is not None:
        found = _read(user, filters, sort, per_page + 1, start=before, backwards=True)
        if len(found) <= per_page:  # back at the beginning
            return case_list(user, filters, page=1, per_page=per_page)
        shown, has_next = list(reversed(found[:per_page])), True
    else:
        skip = 0 if after is not None else (page - 1) * per_page
        found = _read(user, filters, sort, per_page + 1, start=after, skip=skip)
        shown, has_next = found[:per_page], len(found) > per_page
    if not shown:
        return CasePage(rows=[], page=page, per_page=per_page, has_next=False)
    rows = db.session.execute(_rows_statement(sort), {"ids": [keys[-1] for _phase, keys in shown]}).all()
    return CasePage(rows=rows, page=page, per_page=per_page, has_next=has_next,
                    first=Cursor(*shown[0]), last=Cursor(*shown[-1]))


_ROWS_STATEMENTS: dict = {}


def _rows_statement(sort: str):
    """The list lines for a set of ids, built once per sort: composing it costs more than running it."""
    if sort not in _ROWS_STATEMENTS:
        _ROWS_STATEMENTS[sort] = case_rows(bindparam("ids", expanding=True)).order_by(*SORTS[sort])
    return _ROWS_STATEMENTS[sort]


def _read(user, filters: CaseFilters, sort: str, limit: int, start: Cursor | None = None,
          skip: int = 0, backwards: bool = False) -> list[tuple[int, tuple]]:
    """Up to `limit` rows' (phase, keys) in the sort order (or against it), phase after phase,
    from just past `start`, skipping the first `skip` rows."""
    phases = list(enumerate(PHASES[sort]))
    if start is not None:
        phases = phases[:start.phase + 1][::-1] if backwards else phases[start.phase:]
    elif backwards:
        phases = phases[::-1]
    found: list = []
    for index, phase in phases:
        descending = phase.descending != backwards
        stmt = filter_cases(select(*phase.keys), user, filters).order_by(None)
        if phase.where is not None:
            stmt = stmt.where(phase.where)
        if start is not None and index == start.phase:
            keys, bound = tuple_(*phase.keys), tuple_(*start.keys)
            stmt = stmt.where(keys < bound if descending else keys > bound)
        if skip:
            stmt = stmt.offset(skip)
        order = [key.desc() if descending else key.asc() for key in phase.keys]
        rows = db.session.execute(stmt.order_by(*order).limit(limit - len(found))).all()
        found += [(index, tuple(row)) for row in rows]
        if len(found) == limit:
            break
        if skip and not rows:  # the skipped rows reach past this phase: skip the rest in the next
            matching = filter_cases(select(func.count()).select_from(Case), user, filters).order_by(None)
            if phase.where is not None:
                matching = matching.where(phase.where)
            skip = max(0, skip - db.session.scalar(matching))
        else:
            skip = 0
    return found


STATUS_COUNT_CAP = 1000


def status_counts(user, cap: int | None = None) -> dict[CaseStatus, int]:
    """How many of the user's cases are in each status, each counted up to `cap` (shown as
    "1000+"): one statement, each count reading at most `cap` entries of the (programme,
    status) index, so the dashboard costs the same at any caseload."""
    cap = cap or STATUS_COUNT_CAP
    counts = [select(func.count()).select_from(
                  select(Case.id).where(programme_filter(Case.programme_id, user), Case.status == status)
                  .limit(cap).subquery()).scalar_subquery().label(status.value)
              for status in CaseStatus]
    row = db.session.execute(select(*counts)).one()
    return {status: row[index] for index, status in enumerate(CaseStatus)}


def get_case_or_404(case_id: int, user) -> Case:
    """Load a case the user may see, with its caseworker, members and their vulnerabilities in the
    same statement. Another programme's case is a 404, not a 403: no leak."""
    return load_or_404(Case, case_id, may_see=lambda case: can_see_case(user, case),
                       options=[joinedload(Case.caseworker),
                                joinedload(Case.persons).joinedload(Person.vulnerability_rows)])


def get_person_or_404(case: Case, person_id: int) -> Person:
    return found_or_404(next((p for p in case.persons if p.id == person_id), None))


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
