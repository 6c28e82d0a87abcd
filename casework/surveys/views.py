"""Sustainability surveys in the application: loading is on the command line; the case page shows
each member's scores per survey round as a table and a chart, the lowest dimension highlighted
with a link to add a plan item in that dimension."""
from __future__ import annotations

from flask import render_template
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casework.auth.permissions import can_edit_case
from casework.extensions import db
from casework.surveys import labels
from casework.surveys.models import DIMENSIONS, SurveyResponse


def lowest_dimension(response: SurveyResponse) -> str:
    """The dimension with the lowest score (the first of them, in the instrument's order, on a tie)."""
    return min(DIMENSIONS, key=lambda name: response.score(name))


def member_scores(case) -> list[dict]:
    """Per member with surveys: their surveys in the order taken, and the lowest dimension of the latest."""
    responses = db.session.scalars(select(SurveyResponse).where(SurveyResponse.case_id == case.id)
                                   .options(selectinload(SurveyResponse.instrument_version))
                                   .order_by(SurveyResponse.taken_on, SurveyResponse.id)).all()
    by_person = {}
    for response in responses:
        by_person.setdefault(response.person_id, []).append(response)
    members = []
    for person in case.persons:
        surveys = by_person.get(person.id)
        if surveys:
            members.append({"person": person, "surveys": surveys, "lowest": lowest_dimension(surveys[-1]),
                            "chart": _chart(person, surveys)})
    return members


def _chart(person, surveys) -> str | None:
    from casework.reports.charts import chart_for
    from casework.reports.tables import Table

    columns = [(labels.ROUND, "text"), ("", "date")] + [(labels.DIMENSION_LABELS[d], "text") for d in DIMENSIONS] \
        + [(labels.COMPOSITE, "text")]
    rows = [[labels.round_label(s.round), s.taken_on] + [s.score(d) for d in DIMENSIONS] + [s.composite_score]
            for s in surveys]
    return chart_for(Table(key="survey_scores", title=f"{labels.SCORES}: {person.full_name}", columns=columns,
                           rows=rows))


def case_section(case) -> Markup:
    from flask_login import current_user

    members = member_scores(case)
    if not members:
        return Markup("")
    return Markup(render_template("surveys/_case_section.html", case=case, members=members, dimensions=DIMENSIONS,
                                  dimension_labels=labels.DIMENSION_LABELS, composite=labels.COMPOSITE,
                                  round_label=labels.round_label, can_edit=can_edit_case(current_user, case)))


def init_app(app):
    from casework.surveys import cli

    app.extensions["cli_groups"].append(cli.surveys_cli)
    app.extensions["case_page_sections"].append(case_section)
