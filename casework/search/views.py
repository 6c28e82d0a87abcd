"""What finding people adds to shared pages: the "returned again" links on the case page, and the CLI."""
from __future__ import annotations

from functools import cache

from flask import render_template
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import aliased

from casework.auth.permissions import can_see_case
from casework.cases.models import Case, Person
from casework.extensions import db


@cache
def _linked_persons():
    """Persons linked to given members, earlier (by primary key) or later (by returned_from_person_id),
    with their cases: built once, it is the same statement for every case."""
    other = aliased(Person, name="linked_person")
    return (select(other, Case).join(Case, Case.id == other.case_id)
            .where(or_(other.id.in_(bindparam("earlier", expanding=True)),
                       other.returned_from_person_id.in_(bindparam("members", expanding=True))))
            .order_by(other.id))


def returned_again_links(case) -> list[tuple]:
    """(person, earlier or later person, earlier/later case, "earlier"|"later") the user may see.

    One query, driven by the links' own indexes: earlier persons by primary key, later ones by
    returned_from_person_id. The few persons it finds in programmes the user does not see are left out.
    """
    members = {p.id: p for p in case.persons}
    if not members:
        return []
    earlier_ids = [p.returned_from_person_id for p in members.values() if p.returned_from_person_id]
    links = []
    for found, found_case in db.session.execute(_linked_persons(), {"earlier": earlier_ids, "members": list(members)}):
        if not can_see_case(current_user, found_case):
            continue
        for person in members.values():
            if person.returned_from_person_id == found.id:
                links.append((person, found, found_case, "earlier"))
        if found.returned_from_person_id in members:
            links.append((members[found.returned_from_person_id], found, found_case, "later"))
    direction_order = {"earlier": 0, "later": 1}
    return sorted(links, key=lambda link: (direction_order[link[3]], link[0].id, link[1].id))


def case_section(case) -> str:
    links = returned_again_links(case)
    return Markup(render_template("search/_returned_again.html", links=links)) if links else Markup("")


def init_app(app):
    from casework.search.cli import search_cli

    app.extensions["case_page_sections"].append(case_section)
    app.extensions["cli_groups"].append(search_cli)
