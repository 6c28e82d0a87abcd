"""Sustainability surveys in the application: the instruments for administrators, recording a
survey from the case page, and each member's scores over time (a table and a chart) on it."""
from __future__ import annotations

from datetime import date
from functools import lru_cache

import pygal
from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import HiddenField, RadioField, SelectField

from casework.auth.models import Role
from casework.auth.permissions import CASE_ROLES, can_edit_case, roles_required
from casework.cases.queries import get_case_or_404
from casework.cases.tabs import add_case_tab, case_tab_url
from casework.forms import LooseDateField, error_status, int_or_none, save
from casework.loading import allowed_or_403, found_or_404
from casework.reports.charts import STYLE, data_uri
from casework.surveys import services
from casework.surveys.labels import COMPOSITE, DIMENSION_LABELS, EXAMPLE_WARNING, INSTRUMENTS, round_label
from casework.surveys.models import DIMENSIONS
from casework.templating import format_every_digit, format_score

bp = Blueprint("surveys", __name__)
admin_only = roles_required(Role.ADMIN)


@bp.app_template_filter("survey_number")
def format_definition_number(value) -> str:
    """A weight or option score of a definition (a decimal string) in the reader's locale, every digit kept."""
    return format_every_digit(value)


LABELS = {"dimension_labels": DIMENSION_LABELS, "composite_label": COMPOSITE, "dimensions": DIMENSIONS,
          "round_label": round_label, "score": format_score, "example_warning": EXAMPLE_WARNING,
          "is_shipped_example": services.is_shipped_example}


# --- instruments, for administrators ------------------------------------------------------

@bp.route("/admin/surveys")
@admin_only
def instruments():
    return render_template("surveys/instruments.html", instruments=services.instruments(), title=INSTRUMENTS,
                           **LABELS)


@bp.route("/admin/surveys/<code>/versions/<int:number>")
@admin_only
def version(code: str, number: int):
    instrument = found_or_404(services.instrument_by_code(code))
    shown = found_or_404(next((v for v in instrument.versions if v.number == number), None))
    return render_template("surveys/version.html", instrument=instrument, version=shown, **LABELS)


# --- recording a survey -------------------------------------------------------------------

class SurveyForm(FlaskForm):
    # The service decides who may answer, which rounds exist and what a date must be; the form
    # only carries the values (no choice checks of its own on the round or the answers).
    person = SelectField(_l("Member"), coerce=int)
    round = SelectField(_l("Round"), validate_choice=False)
    on_date = LooseDateField(_l("Date taken"))
    version_id = HiddenField()


def round_choices() -> list[tuple[str, str]]:
    return [(services.INTAKE, round_label(services.INTAKE))] + [
        (code, round_label(code)) for code in map(services.round_code, services.OFFERED_MONTHS)]


def _survey_form(case, version, formdata=None, **values):
    """The form for one instrument version: one radio group per question, named answer_<code>."""
    fields = {f"answer_{q['code']}": RadioField(q["text"], choices=[(o["code"], o["text"]) for o in q["options"]],
                                                validate_choice=False)
              for q in version.definition["questions"]}
    form_class = type("VersionSurveyForm", (SurveyForm,), fields)
    form = form_class(**({} if formdata is None else {"formdata": formdata}), **values)
    today = date.today()
    # Offered: the members the service lets answer today. Taken back: any member of the case, so
    # a refusal for another date or member is the service's own clear message.
    members = case.persons if request.method == "POST" else [
        p for p in case.persons if services.eligibility_refusal(p, version, today) is None]
    form.person.choices = [(p.id, p.full_name) for p in members]
    form.round.choices = round_choices()
    return form


def _latest_or_404(code):
    instrument = found_or_404(services.instrument_by_code(code) if code else
                              next(iter(services.instruments()), None))
    return instrument, found_or_404(instrument.latest)


def _form_page(case, instrument, version, form, status=200):
    questions = [(q, form[f"answer_{q['code']}"]) for q in version.definition["questions"]]
    return render_template("surveys/record.html", case=case, instrument=instrument, version=version, form=form,
                           questions=questions, **LABELS), status


@bp.route("/cases/<int:case_id>/surveys/new", methods=["GET", "POST"])
@roles_required(*CASE_ROLES)
def record(case_id: int):
    case = get_case_or_404(case_id, current_user)
    allowed_or_403(can_edit_case(current_user, case))
    instrument, version = _latest_or_404(request.values.get("instrument"))
    if request.method == "GET":
        return _form_page(case, instrument, version, _survey_form(
            case, version, formdata=None, on_date=date.today().isoformat(), version_id=version.id,
            round=services.INTAKE))
    form = _survey_form(case, version)
    if not form.validate_on_submit():
        return _form_page(case, instrument, version, form, 422)
    if int_or_none(form.version_id.data) != version.id:
        # A new version was loaded since the form was opened: its questions are asked again.
        form.version_id.data = version.id
        form.form_errors.append(_("A new version of this instrument was loaded since the form was opened. Check "
                                  "the answers against its questions and save again."))
        return _form_page(case, instrument, version, form, 409)
    person = next(p for p in case.persons if p.id == form.person.data)
    answers = {q["code"]: form[f"answer_{q['code']}"].data for q in version.definition["questions"]
               if form[f"answer_{q['code']}"].data}
    _response, error = save(form, lambda: services.record_survey(
        person, version, answers, form.round.data, form.on_date.date, actor=current_user))
    if error is not None:
        return _form_page(case, instrument, version, form, error_status(error))
    flash(_("Survey recorded for %(name)s.", name=person.full_name), "success")
    return redirect(case_tab_url(case.id, "surveys"))


# --- scores over time on the case page ----------------------------------------------------

def scores_chart(responses) -> str:
    """A line chart (SVG data: URI) of the dimension and composite scores over the rounds."""
    rounds = tuple(round_label(r.round) for r in responses)
    series = tuple((str(DIMENSION_LABELS[name]), tuple(float(r.score(name)) for r in responses)) for name in DIMENSIONS)
    series += ((str(COMPOSITE), tuple(float(r.composite_score) for r in responses)),)
    return _drawn_scores_chart(str(get_locale()), rounds, series)


@lru_cache(maxsize=128)
def _drawn_scores_chart(locale: str, rounds: tuple[str, ...], series: tuple) -> str:
    """The chart for exactly these labels and scores in this language, drawn once: a survey's
    scores never change, and the case page is shown again after every change to the case."""
    chart = pygal.Line(style=STYLE, width=640, height=300, js=[], disable_xml_declaration=False,
                       explicit_size=True, legend_at_bottom=True, show_y_guides=True, range=(0, 1),
                       include_x_axis=True, truncate_label=-1, truncate_legend=-1, dots_size=4,
                       value_formatter=format_score, print_values=len(rounds) <= 6)
    chart.x_labels = list(rounds)
    for label, values in series:
        chart.add(label, list(values))
    return data_uri(chart)


def score_groups(case) -> list[dict]:
    """Per member and instrument: the surveys in round order, the lowest dimension of the latest,
    and the chart. Scores of different instruments are never mixed in one table."""
    groups: dict[tuple[int, int], list] = {}
    for response in services.surveys_of_case(case):
        groups.setdefault((response.person_id, response.instrument_id), []).append(response)
    persons = {p.id: p for p in case.persons}
    order = {p.id: i for i, p in enumerate(case.persons)}
    out = []
    for (person_id, _instrument_id), responses in sorted(groups.items(), key=lambda kv: (order.get(kv[0][0], 0),
                                                                                        kv[1][0].instrument_version.instrument.code)):
        latest = responses[-1]
        out.append({"person": persons.get(person_id) or latest.person, "instrument": latest.instrument_version.instrument,
                    "responses": responses, "latest": latest, "lowest": services.lowest_dimension(latest),
                    "chart": scores_chart(responses)})
    return out


def case_section(case) -> Markup:
    can_edit = can_edit_case(current_user, case)
    return Markup(render_template("surveys/_case_section.html", case=case, groups=score_groups(case),
                                  can_edit=can_edit, instruments=services.instruments() if can_edit else [],
                                  **LABELS))


def init_app(app):
    from casework.surveys import cli

    app.register_blueprint(bp)
    app.extensions["cli_groups"].append(cli.surveys_cli)
    add_case_tab(app, "surveys", _l("Surveys"), 60, case_section)
    app.extensions["nav"].append(("surveys.instruments", INSTRUMENTS, (Role.ADMIN,)))
    from casework.surveys.demo import add_demo_surveys

    app.extensions["demo_hooks"].append(add_demo_surveys)
