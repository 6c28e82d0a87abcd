"""Searching cases by person name (any script, any spelling), case reference and date of birth,
and finding likely duplicates of a person before they are registered again."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, select, union
from sqlalchemy.orm import aliased

from casework.auth.permissions import programme_filter
from casework.cases.models import Case, Person, Relationship
from casework.cases.queries import list_columns
from casework.extensions import db
from casework.programmes.models import Programme
from casework.search.normalize import normalize, prefix_range, search_key

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})\.?$")
_YEAR = re.compile(r"^(\d{4})$")
MAX_QUERY = 100


@dataclass
class Query:
    """What a search box text can mean: a name, a reference, a birth date or a birth year."""
    text: str
    name: str = ""
    birth_date: date | None = None
    birth_year: int | None = None

    @property
    def empty(self) -> bool:
        return not (self.name or self.birth_date or self.birth_year or self.text)


def parse_query(text: str | None) -> Query:
    text = " ".join((text or "").split())[:MAX_QUERY]
    query = Query(text=text)
    match = _ISO_DATE.match(text) or _DOTTED_DATE.match(text)
    if match:
        parts = [int(g) for g in match.groups()]
        year, month, day = parts if match.re is _ISO_DATE else parts[::-1]
        try:
            query.birth_date = date(year, month, day)
        except ValueError:
            pass
        return query
    if _YEAR.match(text):
        query.birth_year = int(text)
        return query
    query.name = normalize(text)
    return query


def matching_person_ids(query: Query):
    """A subquery of the ids of persons the query matches, each branch answered by an index."""
    branches = []
    if query.name:
        low, high = prefix_range(query.name)
        for column in (Person.search_key, Person.search_key_given_first):
            branches.append(select(Person.id).where(column >= low, column < high))
    if query.birth_date:
        branches.append(select(Person.id).where(Person.birth_date == query.birth_date))
    if query.birth_year:
        branches.append(select(Person.id).where(Person.birth_year == query.birth_year))
    if query.text and any(c.isdigit() for c in query.text):
        # A reference: the principal of the case stands for it.
        low, high = prefix_range(query.text.upper())
        principal = and_(Person.case_id == Case.id, Person.relationship == Relationship.PRINCIPAL)
        branches.append(select(Person.id).join(Case, principal).where(Case.reference >= low, Case.reference < high))
        branches.append(select(Person.id).join(Case, principal).where(Case.legacy_reference == query.text))
    if not branches:
        return None
    return union(*branches).subquery()


def matching_case_ids(text: str):
    """The ids of the cases a search box text finds (before the user's programmes are applied)."""
    ids = matching_person_ids(parse_query(text))
    if ids is None:
        return select(Case.id).where(False)
    return select(Person.case_id).where(Person.id.in_(select(ids.c.id)))


def search_statement(user, query: Query):
    """Case list lines (list_columns(), the matching person's name) within the user's programmes."""
    ids = matching_person_ids(query)
    if ids is None:
        return None
    person = aliased(Person)
    # The matches drive the query: persons by id, then their cases by primary key. "+ 0" keeps
    # SQLite from walking a programme's cases through the programme index instead; PostgreSQL
    # would take the unknown expression for a rare one and scan every case, so it gets the column.
    programme = Case.programme_id + 0 if db.session.get_bind().dialect.name == "sqlite" else Case.programme_id
    return (
        select(*list_columns(Case, person))
        .select_from(ids)
        .join(person, person.id == ids.c.id)
        .join(Case, Case.id == person.case_id)
        .join(Programme, Programme.id == Case.programme_id)
        .where(programme_filter(programme, user))
    )


def search_cases(user, text: str, filters, page: int = 1, per_page: int = 50):
    """One page of search results, with the case list's filters and sort applied."""
    from casework.cases.queries import CasePage, filter_cases

    stmt = search_statement(user, parse_query(text))
    page = max(1, min(page, 100_000))
    if stmt is None:
        return CasePage(rows=[], page=page, per_page=per_page, has_next=False)
    stmt = filter_cases(stmt, user, filters)
    rows = db.session.execute(stmt.limit(per_page + 1).offset((page - 1) * per_page)).all()
    return CasePage(rows=rows[:per_page], page=page, per_page=per_page, has_next=len(rows) > per_page)


def birth_compatible(year_a: int, date_a: date | None, year_b: int, date_b: date | None) -> bool:
    """Same date, or the same year when either side knows only the year."""
    if date_a is not None and date_b is not None:
        return date_a == date_b
    return year_a == year_b


def likely_duplicates(family_name: str, given_name: str, birth_year: int | None, birth_date: date | None,
                      programme_ids, exclude_case_id: int | None = None, limit: int = 20) -> list[Person]:
    """Persons already recorded with the same normalised name and a compatible birth, in these programmes.

    Used before registering a case or adding a person, and by the import dry run.
    """
    key = search_key(family_name, given_name)
    if not key:
        return []
    if birth_year is None and birth_date is not None:
        birth_year = birth_date.year
    stmt = (
        select(Person)
        .join(Case, Case.id == Person.case_id)
        .where(Person.search_key == key, Case.programme_id.in_(list(programme_ids) or [-1]))
        .order_by(Person.id)
        .limit(limit * 5)
    )
    if birth_year is not None:
        stmt = stmt.where(Person.birth_year == birth_year)
    if exclude_case_id is not None:
        stmt = stmt.where(Person.case_id != exclude_case_id)
    found = [p for p in db.session.scalars(stmt)
             if birth_year is None or birth_compatible(birth_year, birth_date, p.birth_year, p.birth_date)]
    return found[:limit]


@dataclass
class MemberDuplicates:
    """The likely duplicates of one member of a form, and what the caseworker decided."""
    index: int
    name: str
    candidates: list
    decision: str | None  # None (not decided yet), "different" or the id of the earlier person

    @property
    def field(self) -> str:
        return f"duplicate-{self.index}"


def check_members(members, programme_ids, decisions: dict, exclude_case_id: int | None = None
                  ) -> list[MemberDuplicates]:
    """Likely duplicates per member (PersonData); decisions maps a field name to what was chosen.

    A decision naming a person who is not among the candidates counts as no decision.
    """
    out = []
    for index, member in enumerate(members):
        candidates = likely_duplicates(member.family_name, member.given_name, member.birth_year, member.birth_date,
                                       programme_ids, exclude_case_id=exclude_case_id)
        if not candidates:
            continue
        entry = MemberDuplicates(index, f"{member.given_name} {member.family_name}", candidates, None)
        chosen = (decisions.get(entry.field) or "").strip()
        if chosen == "different" or chosen in {str(p.id) for p in candidates}:
            entry.decision = chosen
        out.append(entry)
    return out


def undecided(entries: list[MemberDuplicates]) -> bool:
    return any(e.decision is None for e in entries)


def link_returned_again(persons: list, entries: list[MemberDuplicates], actor=None) -> None:
    """Record, for each member the caseworker identified, the earlier person they are ("returned again")."""
    from casework.audit.services import record

    for entry in entries:
        if entry.decision in (None, "different"):
            continue
        person = persons[entry.index]
        earlier = next(p for p in entry.candidates if str(p.id) == entry.decision)
        person.returned_from_person_id = earlier.id
        db.session.flush()
        record("person_returned_again", user=actor, entity=person, programme_id=person.case.programme_id,
               changes={"returned_from_person_id": earlier.id, "earlier_case": earlier.case.reference,
                        "earlier_case_id": earlier.case.id},
               summary=person.case.reference)


def rekey_persons(batch: int = 5000) -> int:
    """Recompute stored search keys for every person whose key differs; for bulk paths and repairs."""
    from sqlalchemy import bindparam, update

    from casework.search.normalize import search_key_given_first

    table = Person.__table__
    changed, last_id = 0, 0
    while True:
        rows = db.session.execute(
            select(table.c.id, table.c.family_name, table.c.given_name, table.c.search_key,
                   table.c.search_key_given_first)
            .where(table.c.id > last_id).order_by(table.c.id).limit(batch)).all()
        if not rows:
            return changed
        updates = []
        for row in rows:
            key, key2 = search_key(row.family_name, row.given_name), search_key_given_first(row.family_name,
                                                                                            row.given_name)
            if (key, key2) != (row.search_key, row.search_key_given_first):
                updates.append({"pid": row.id, "key": key, "key2": key2})
        if updates:
            db.session.execute(update(table).where(table.c.id == bindparam("pid"))
                               .values(search_key=bindparam("key"), search_key_given_first=bindparam("key2")),
                               updates)
            changed += len(updates)
        last_id = rows[-1].id
