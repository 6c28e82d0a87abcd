"""What finding people adds to shared pages: the "returned again" links on the case page, and the CLI."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from casework.auth.permissions import programme_filter
from casework.cases.models import Case, Person
from casework.extensions import db


def returned_again_links(case) -> list[tuple]:
    """(person, earlier or later person, earlier/later case, "earlier"|"later") the user may see.

    One query, driven by the links' own indexes: earlier persons by primary key, later ones by
    returned_from_person_id. ("+ 0" keeps the planner from walking a programme's cases instead.)
    """
    members = {p.id: p for p in case.persons}
    earlier_ids = {p.returned_from_person_id for p in members.values() if p.returned_from_person_id}
    if not members:
        return []
    other = aliased(Person)
    stmt = (
        select(other, Case)
        .join(Case, Case.id == other.case_id)
        .where(or_(other.id.in_(earlier_ids or [-1]), other.returned_from_person_id.in_(list(members))),
               programme_filter(Case.programme_id + 0, current_user))
        .order_by(other.id)
    )
    links = []
    for found, found_case in db.session.execute(stmt):
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
