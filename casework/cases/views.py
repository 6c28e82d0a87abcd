"""Caseworker screens: the case list, registering a family, the case page and edits."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.audit.services import record
from casework.auth.models import Role, User
from casework.auth.permissions import (
    CASE_ROLES,
    can_edit_case,
    programmes_for,
    roles_required,
)
from casework.cases import services
from casework.cases.forms import (
    STATUS_LABELS,
    EditCaseForm,
    PersonForm,
    RegisterCaseForm,
    StatusForm,
    read_case_filters,
)
from casework.cases.history import visible_history
from casework.cases.models import CaseStatus, Person
from casework.cases.queries import (
    Cursor,
    case_list,
    get_case_or_404,
    get_person_or_404,
    municipalities,
)
from casework.cases.tabs import HISTORY, OVERVIEW, case_tab, case_tabs
from casework.closures.labels import REASON_LABELS
from casework.closures.services import latest_closure
from casework.errors import Conflict
from casework.extensions import db
from casework.forms import error_status, int_or_none, save, save_and_flash
from casework.i18n import translated
from casework.loading import allowed_or_403, found_or_404
from casework.pagination import filter_args
from casework.search.services import check_members, link_returned_again, undecided
from casework.transactions import run_in_transaction

bp = Blueprint("cases", __name__, url_prefix="/cases")

def _caseworker_choices(programme_ids=None):
    stmt = select(User).where(User.role.in_([Role.CASEWORKER, Role.SUPERVISOR]), User.is_active).order_by(User.username)
    users = db.session.scalars(stmt).all()
    if programme_ids is not None:
        users = [u for u in users if any(p.id in programme_ids for p in u.programmes)]
    return [(0, _("(nobody yet)"))] + [(u.id, u.full_name or u.username) for u in users]


def _person_data(fields) -> services.PersonData:
    year, full = fields.birth.parsed
    return services.PersonData(
        family_name=fields.family_name.data,
        given_name=fields.given_name.data,
        sex=fields.sex.data,
        birth_year=year,
        birth_date=full,
        relationship=fields.relationship.data,
        nationality=fields.nationality.data,
        travelled=fields.travelled.data,
        vulnerabilities=fields.vulnerabilities.data or [],
    )


def _duplicates(members, programmes, exclude_case_id=None):
    """Likely duplicates of the members being saved, with the caseworker's decisions from the form."""
    return check_members(members, [p.id for p in programmes], request.form, exclude_case_id=exclude_case_id)


@bp.route("/")
@roles_required(*CASE_ROLES)
def index():
    form, filters = read_case_filters(request.args, current_user)
    page_number = form.page.data or 1 if not form.page.errors else 1
    query = filters.query
    if query:
        from casework.search.services import search_cases

        page = search_cases(current_user, query, filters, page=page_number, per_page=current_app_per_page())
    else:
        page = case_list(current_user, filters, page=page_number, per_page=current_app_per_page(),
                         after=Cursor.decode(request.args.get("after"), filters.sort),
                         before=Cursor.decode(request.args.get("before"), filters.sort))
    args = filter_args(request.args)
    labels = translated(STATUS_LABELS)  # once, not per row
    return render_template("cases/index.html", form=form, page=page, args=args,
                           status_labels=labels, municipalities=municipalities(current_user),
                           query=query)


def current_app_per_page() -> int:
    from flask import current_app

    return current_app.config["CASES_PER_PAGE"]


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*CASE_ROLES)
def new():
    programmes = programmes_for(current_user)
    form = RegisterCaseForm()
    form.programme_id.choices = [(p.id, f"{p.code} — {p.name}") for p in programmes]
    form.caseworker_id.choices = _caseworker_choices([p.id for p in programmes])
    if request.method == "GET":
        form.caseworker_id.data = current_user.id if current_user.role == Role.CASEWORKER else 0
        return render_template("cases/new.html", form=form)

    # Adding or removing a family member re-renders the form with what was typed.
    if "add_member" in request.form or "remove_members" in request.form:
        kept = [entry.data for entry in form.members.entries if not entry.form.remove.data]
        while len(form.members.entries):
            form.members.pop_entry()
        for data in kept:
            data.pop("remove", None)
            form.members.append_entry(data)
        if "add_member" in request.form and len(form.members.entries) < form.members.max_entries:
            form.members.append_entry({"relationship": "child", "travelled": True, "sex": "F"})
        if not form.members.entries:
            form.members.append_entry({"relationship": "principal", "travelled": True})
        return render_template("cases/new.html", form=form)

    if form.validate_on_submit():
        programme = found_or_404(next((p for p in programmes if p.id == form.programme_id.data), None))
        members = [_person_data(e.form) for e in form.members.entries if not e.form.remove.data]
        duplicates = _duplicates(members, programmes)
        if undecided(duplicates):
            return render_template("cases/new.html", form=form, duplicates=duplicates)

        def register():
            case = services.register_case(programme, _case_data(form), members, actor=current_user)
            link_returned_again(case.persons, duplicates, actor=current_user)
            return case

        case, error = save(form, register)
        if error is None:
            flash(ngettext("Case %(ref)s registered with %(num)d member.",
                           "Case %(ref)s registered with %(num)d members.", len(members), ref=case.reference), "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("cases/new.html", form=form), 422


def _history(case):
    person_ids = [p.id for p in case.persons]
    stmt = (
        select(AuditEvent)
        .where(
            ((AuditEvent.entity_type == "cases") & (AuditEvent.entity_id == case.id))
            | ((AuditEvent.entity_type == "persons") & AuditEvent.entity_id.in_(person_ids or [-1]))
        )
        .where(AuditEvent.action != "case_viewed")
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(200)
    )
    return visible_history(db.session.scalars(stmt).all(), current_user)


@bp.route("/<int:case_id>")
@roles_required(*CASE_ROLES)
def detail(case_id: int):
    tab = found_or_404(case_tab(request.args.get("tab", OVERVIEW)))
    case = get_case_or_404(case_id, current_user)
    can_edit = can_edit_case(current_user, case)
    context = {"case": case, "tab": tab, "tabs": case_tabs(), "status_labels": STATUS_LABELS, "can_edit": can_edit}
    if tab.name == OVERVIEW:
        context.update(status_form=_status_form(case, version=case.version),
                       closure=latest_closure(case) if case.status == CaseStatus.CLOSED else None,
                       reason_labels=REASON_LABELS, extra_sections=case_page_sections(case))
    elif tab.name == HISTORY:
        context.update(history=_history(case))
    else:
        context.update(content=tab.render(case))
    page = render_template("cases/detail.html", **context)
    # Recorded after rendering: committing first would expire and reload everything shown.
    run_in_transaction(lambda: record("case_viewed", entity=case, programme_id=case.programme_id,
                                      changes={"tab": tab.name}, summary=case.reference), wait_for_disk=False)
    return page


def case_page_sections(case) -> list[str]:
    """Rendered sections other domains add to the case's overview (returned-again links, for one)."""
    from flask import current_app

    return [render(case) for render in current_app.extensions.get("case_page_sections", [])]


def _editable_case(case_id: int):
    case = get_case_or_404(case_id, current_user)
    allowed_or_403(can_edit_case(current_user, case))
    return case


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@roles_required(*CASE_ROLES)
def edit(case_id: int):
    case = _editable_case(case_id)
    form = EditCaseForm(obj=case if request.method == "GET" else None)
    form.caseworker_id.choices = _caseworker_choices([case.programme_id])
    if request.method == "GET":
        form.arrival_date.data = case.arrival_date.isoformat() if case.arrival_date else ""
        form.caseworker_id.data = case.caseworker_id or 0
        form.version.data = case.version
    elif form.validate_on_submit():
        saved, error = save(form, lambda: services.update_case(case, _case_data(form), actor=current_user,
                                                           expected_version=int_or_none(form.version.data)))
        if error is not None:
            return render_template("cases/edit.html", form=form, case=case,
                                   conflict=isinstance(error, Conflict)), error_status(error)
        flash(_("Case %(ref)s saved.", ref=case.reference), "success")
        return redirect(url_for("cases.detail", case_id=case.id))
    else:
        return render_template("cases/edit.html", form=form, case=case), 422
    return render_template("cases/edit.html", form=form, case=case)



@bp.route("/<int:case_id>/status", methods=["POST"])
@roles_required(*CASE_ROLES)
def change_status(case_id: int):
    case = _editable_case(case_id)
    form = _status_form(case)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return redirect(url_for("cases.detail", case_id=case.id))
    save_and_flash(lambda: services.change_status(case, form.status.data, actor=current_user,
                                                  arrival_date=form.arrival_date.date,
                                                  expected_version=int_or_none(form.version.data),
                                                  reason=form.reason.data or None, reason_text=form.reason_text.data),
                   _("Status changed to %(s)s.", s=STATUS_LABELS[CaseStatus(form.status.data)]))
    return redirect(url_for("cases.detail", case_id=case.id))


def _status_form(case, **values) -> StatusForm:
    form = StatusForm(**values)
    form.status.choices = [(s.value, STATUS_LABELS[s]) for s in services.allowed_transitions(case)]
    form.reason.choices = [("", _("(choose when closing)"))] + [(r.value, label) for r, label in REASON_LABELS.items()]
    return form


def _case_data(form) -> dict:
    """The case's own fields, as the register and edit forms both carry them."""
    return {
        "legacy_reference": form.legacy_reference.data,
        "sending_country": form.sending_country.data,
        "arrival_date": form.arrival_date.date,
        "municipality": form.municipality.data,
        "caseworker_id": form.caseworker_id.data or None,
        "notes": form.notes.data,
    }


def _person_form_for(person: Person | None) -> PersonForm:
    if request.method == "POST":
        return PersonForm()
    if person is None:
        return PersonForm(relationship="child", travelled=True)
    return PersonForm(
        family_name=person.family_name,
        given_name=person.given_name,
        sex=person.sex.value,
        birth=person.birth_display,
        relationship=person.relationship.value,
        nationality=person.nationality or "",
        travelled=person.travelled,
        vulnerabilities=[v.value for v in person.vulnerabilities],
        version=person.version,
    )


@bp.route("/<int:case_id>/persons/new", methods=["GET", "POST"])
@roles_required(*CASE_ROLES)
def add_person(case_id: int):
    case = _editable_case(case_id)
    form = _person_form_for(None)
    duplicates = []
    if form.validate_on_submit():
        data = _person_data(form)
        duplicates = _duplicates([data], programmes_for(current_user), exclude_case_id=case.id)
        if undecided(duplicates):
            return render_template("cases/person_form.html", form=form, case=case, person=None,
                                   duplicates=duplicates)

        def add():
            person = services.add_person(case, data, actor=current_user)
            link_returned_again([person], duplicates, actor=current_user)
            return person

        person, error = save(form, add)
        if error is None:
            flash(_("%(name)s added to the case.", name=person.full_name), "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    status = 422 if request.method == "POST" else 200
    return render_template("cases/person_form.html", form=form, case=case, person=None), status


@bp.route("/<int:case_id>/persons/<int:person_id>/edit", methods=["GET", "POST"])
@roles_required(*CASE_ROLES)
def edit_person(case_id: int, person_id: int):
    case = _editable_case(case_id)
    person = get_person_or_404(case, person_id)
    form = _person_form_for(person)
    error = None
    if form.validate_on_submit():
        saved, error = save(form, lambda: services.update_person(person, _person_data(form), actor=current_user,
                                                             expected_version=int_or_none(form.version.data)))
        if error is None:
            flash(_("%(name)s saved.", name=person.full_name), "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    status = error_status(error) if request.method == "POST" else 200
    return render_template("cases/person_form.html", form=form, case=case, person=person,
                           conflict=isinstance(error, Conflict)), status


def init_app(app):
    app.register_blueprint(bp)
    app.extensions["nav"].append(("cases.index", _l("Cases"), CASE_ROLES))
