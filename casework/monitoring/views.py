"""Monitoring screens: a programme's schedule, recording a visit on a case, the visits on the
case page, a grant's checks and flag on the grant page."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from casework.auth.models import Role
from casework.auth.permissions import CASE_ROLES, can_edit_case, roles_required
from casework.cases.queries import get_case_or_404
from casework.cases.tabs import add_case_tab, case_tab_url
from casework.dates import parse_date
from casework.errors import DomainError
from casework.forms import save, save_and_flash
from casework.loading import allowed_or_403, load_or_404
from casework.monitoring import services
from casework.monitoring.forms import ResolveForm, ScheduleForm, VisitForm
from casework.monitoring.labels import KIND_LABELS, USE_LABELS
from casework.monitoring.models import GrantUse, MonitoringVisit, VisitGrantCheck
from casework.plans.labels import ITEM_STATUS_LABELS
from casework.programmes.models import Programme
from casework.tasks.services import today

bp = Blueprint("monitoring", __name__)
FOLLOW_UPS = 3
LABELS = {"kind_labels": KIND_LABELS, "use_labels": USE_LABELS, "uses": list(GrantUse),
          "item_labels": {status.value: label for status, label in ITEM_STATUS_LABELS.items()}}


# --- the schedule ---------------------------------------------------------------------------

def _schedule_page(programme, form, status=200):
    return render_template("monitoring/schedule.html", programme=programme, form=form,
                           schedules=services.schedules_of(programme)), status


@bp.route("/monitoring/schedules")
@roles_required(Role.ADMIN, Role.SUPERVISOR)
def schedules():
    from casework.auth.permissions import programmes_for

    programmes = [(p, services.schedules_of(p)) for p in programmes_for(current_user)]
    return render_template("monitoring/schedules.html", programmes=programmes)


@bp.route("/programmes/<int:programme_id>/monitoring", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.SUPERVISOR)
def schedule(programme_id: int):
    programme = load_or_404(Programme, programme_id)
    allowed_or_403(services.may_set_schedule(current_user, programme))
    form = ScheduleForm()
    if request.method == "GET":
        return _schedule_page(programme, form)
    if not form.validate_on_submit():
        return _schedule_page(programme, form, 422)
    _saved, error = save(form, lambda: services.set_schedule(programme, form.applies_from.date, form.months.data,
                                                            actor=current_user))
    if error is not None:
        return _schedule_page(programme, form, 422)
    flash(_("Monitoring schedule saved."), "success")
    return redirect(url_for("monitoring.schedule", programme_id=programme.id))


# --- recording a visit ------------------------------------------------------------------------

def _int(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _survey_context(case) -> dict:
    """The instrument a visit's survey uses (the latest version; ?survey=<version id> picks another
    instrument) and the members old enough for it."""
    from casework.surveys.services import eligibility_refusal, instruments

    versions = [i.latest for i in instruments() if i.latest is not None]
    wanted = _int(request.values.get("survey_version") or request.args.get("survey"))
    version = next((v for v in versions if v.id == wanted), versions[0] if versions else None)
    surveyed = [p for p in case.persons if version and eligibility_refusal(p, version, today()) is None]
    return {"survey_versions": versions, "survey_version": version, "surveyed": surveyed}


def _posted_values(form, case, plan, grants, survey) -> dict:
    """The visit as posted, row by row; the service checks every value."""
    data = request.form
    member_ids = [_int(v) for v in data.getlist("member")]
    if None in member_ids:
        raise DomainError(_("Choose members of this case."), "members")
    items = {item.id: {"status": data.get(f"item-{item.id}-status", ""), "comment": data.get(f"item-{item.id}-comment")}
             for item in (plan.items if plan else [])}
    grant_values = {g.id: {"use": data.get(f"grant-{g.id}-use", ""), "what_was_done": data.get(f"grant-{g.id}-done"),
                           "handover_confirmed": data.get(f"grant-{g.id}-handover") == "y"} for g in grants}
    follow_ups = []
    for index in range(FOLLOW_UPS):
        due_text = (data.get(f"followup-{index}-due_on") or "").strip()
        due_on = parse_date(due_text) if due_text else None
        if due_text and due_on is None:
            raise DomainError(_("Enter the date as YYYY-MM-DD."), f"followup-{index}-due_on")
        follow_ups.append({"title": data.get(f"followup-{index}-title"), "due_on": due_on})
    version = survey["survey_version"]
    answers = {p.id: {q["code"]: data.get(f"survey-{p.id}-{q['code']}", "") for q in version.definition["questions"]}
               for p in survey["surveyed"]} if version else {}
    return {"survey": {"version_id": version.id if version else None, "answers": answers},
            "visited_on": form.visited_on.date, "kind": form.kind.data, "visited_by": form.visited_by.data,
            "notes": form.notes.data, "member_ids": member_ids, "scheduled_visit_id": form.scheduled_visit_id.data or None,
            "items": items, "grants": grant_values, "follow_ups": follow_ups}


@bp.route("/cases/<int:case_id>/visits/new", methods=["GET", "POST"])
@roles_required(*CASE_ROLES)
def new_visit(case_id: int):
    from casework.plans.services import STATUS_STEPS, plan_of

    case = get_case_or_404(case_id, current_user)
    allowed_or_403(can_edit_case(current_user, case))
    if case.arrival_date is None:
        abort(404)
    plan = plan_of(case)
    grants = services.checkable_grants(case)
    open_visits = [v for v in services.scheduled_visits_of(case) if v.visit_id is None]
    form = VisitForm()
    form.scheduled_visit_id.choices = [(0, _("(none: a visit outside the schedule)"))] + [
        (v.id, _("%(title)s, due %(day)s", title=services.visit_title(v.months), day=v.due_on.isoformat()))
        for v in open_visits]
    if request.method == "GET":
        form.visited_on.data = today().isoformat()
        form.visited_by.data = current_user.full_name or current_user.username
        form.scheduled_visit_id.data = open_visits[0].id if open_visits else 0
    context = {"case": case, "form": form, "plan": plan, "grants": grants, "posted": request.form,
               "item_status_labels": ITEM_STATUS_LABELS, "status_steps": STATUS_STEPS,
               "follow_ups": range(FOLLOW_UPS), "currency": case.programme.currency, **LABELS}
    survey = _survey_context(case)
    context.update(survey)
    if request.method == "POST":
        error = None
        if form.validate_on_submit():
            def action():
                return services.record_visit(case, _posted_values(form, case, plan, grants, survey), actor=current_user,
                                             today=today())

            visit, error = save(form, action)
            if error is None:
                flash(_("Visit recorded."), "success")
                return redirect(case_tab_url(case.id, "monitoring"))
        context["error"] = error
        return render_template("monitoring/visit_form.html", **context), 422
    return render_template("monitoring/visit_form.html", **context)


# --- flags ------------------------------------------------------------------------------------

@bp.route("/monitoring/checks/<int:check_id>/resolve", methods=["POST"])
@roles_required(Role.SUPERVISOR, Role.ADMIN)
def resolve(check_id: int):
    check = load_or_404(VisitGrantCheck, check_id)
    get_case_or_404(check.grant.case_id, current_user)
    allowed_or_403(services.may_resolve(current_user, check.grant))
    form = ResolveForm()
    if form.validate_on_submit():
        save_and_flash(lambda: services.resolve_flag(check, form.resolution.data, actor=current_user),
                       _("The finding is dealt with; the grant's flag is cleared."))
    else:
        flash(_("Say what was done about the finding."), "error")
    return redirect(url_for("grants.detail", grant_id=check.grant_id, _anchor="monitoring-checks"))


# --- sections on other pages --------------------------------------------------------------------

def case_section(case) -> Markup:
    if case.arrival_date is None:  # nothing is scheduled or visited before the arrival: nothing to read
        return Markup(render_template("monitoring/_case_section.html", case=case, arrived=False))
    return Markup(render_template("monitoring/_case_section.html", case=case, arrived=True, today=today(),
                                  scheduled=services.scheduled_visits_of(case), visits=services.visits_of(case),
                                  can_edit=can_edit_case(current_user, case), visit_title=services.visit_title,
                                  visit_state=services.visit_state, **LABELS))


def grant_section(grant) -> Markup:
    checks = services.checks_of(grant)
    if not checks:
        return Markup("")
    return Markup(render_template("monitoring/_grant_section.html", grant=grant, checks=checks,
                                  may_resolve=services.may_resolve(current_user, grant),
                                  resolve_form=ResolveForm(formdata=None), **LABELS))


def _describe(visit: MonitoringVisit) -> str:
    return f"{_l('Monitoring visit')} {visit.visited_on:%Y-%m-%d}"


def init_app(app):
    from casework.documents.owners import register_owner

    app.register_blueprint(bp)
    app.extensions["nav"].append(("monitoring.schedules", _l("Monitoring schedules"), (Role.SUPERVISOR, Role.ADMIN)))
    add_case_tab(app, "monitoring", _l("Monitoring"), 50, case_section)
    app.extensions.setdefault("grant_page_sections", []).append(grant_section)
    register_owner("visit", MonitoringVisit, lambda visit: visit.case, _l("Monitoring visit"), describe=_describe)
    from casework.monitoring.demo import add_demo_monitoring

    # After the grants, plans and intake surveys it builds on (DOMAINS order).
    app.extensions["demo_hooks"].append(add_demo_monitoring)
