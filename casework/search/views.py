"""What finding people adds to shared pages: the "returned again" links on the case page, and the CLI."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import aliased

from casework.auth.permissions import programme_filter
from casework.cases.models import Case, Person
from casework.extensions import db


def returned_again_links(case) -> list[tuple]:
    """(person, earlier or later person, earlier/later case, "earlier"|"later") the user may see."""
    ids = [p.id for p in case.persons]
    if not ids:
        return []
    other = aliased(Person)
    links = []
    for this_col, other_col, direction in ((Person.returned_from_person_id, other.id, "earlier"),
                                          (Person.id, other.returned_from_person_id, "later")):
        stmt = (
            select(Person, other, Case)
            .join(other, other_col == this_col)
            .join(Case, Case.id == other.case_id)
            .where(Person.id.in_(ids), programme_filter(Case.programme_id, current_user))
            .order_by(Person.id, other.id)
        )
        links += [(p, o, c, direction) for p, o, c in db.session.execute(stmt)]
    return links


def case_section(case) -> str:
    links = returned_again_links(case)
    return Markup(render_template("search/_returned_again.html", links=links)) if links else Markup("")


def init_app(app):
    from casework.search.cli import search_cli

    app.extensions["case_page_sections"].append(case_section)
    app.extensions["cli_groups"].append(search_cli)
