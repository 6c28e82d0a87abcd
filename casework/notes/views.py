"""Writing and editing notes on the case page."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from casework.auth.permissions import CASE_ROLES, can_edit_case, roles_required
from casework.cases.queries import get_case_or_404
from casework.cases.tabs import add_case_tab, case_tab_url
from casework.errors import Conflict
from casework.forms import error_status, int_or_none, save
from casework.loading import allowed_or_403, load_or_404
from casework.notes import services
from casework.notes.forms import NoteForm
from casework.notes.labels import KIND_LABELS
from casework.notes.models import CaseNote

bp = Blueprint("notes", __name__)


def _note_or_404(case, note_id: int) -> CaseNote:
    return load_or_404(CaseNote, note_id, may_see=lambda note: note.case_id == case.id)


@bp.route("/cases/<int:case_id>/notes", methods=["POST"])
@roles_required(*CASE_ROLES)
def add(case_id: int):
    case = get_case_or_404(case_id, current_user)
    allowed_or_403(can_edit_case(current_user, case))
    form = NoteForm()
    if form.validate_on_submit():
        note, error = save(form, lambda: services.add_note(case, form.kind.data, form.noted_on.date, form.text.data,
                                                           form.is_sensitive.data, actor=current_user))
        if error is None:
            flash(_("Note saved."), "success")
            return redirect(case_tab_url(case.id, "notes"))
    return render_template("notes/form.html", form=form, case=case, note=None, kind_labels=KIND_LABELS), 422


@bp.route("/cases/<int:case_id>/notes/<int:note_id>/edit", methods=["GET", "POST"])
@roles_required(*CASE_ROLES)
def edit(case_id: int, note_id: int):
    case = get_case_or_404(case_id, current_user)
    note = _note_or_404(case, note_id)
    allowed_or_403(services.can_edit_note(current_user, note))
    if request.method == "GET":
        form = NoteForm(kind=note.kind.value, noted_on=note.noted_on.isoformat(), text=note.text,
                        is_sensitive=note.is_sensitive, version=note.version)
        return render_template("notes/form.html", form=form, case=case, note=note, kind_labels=KIND_LABELS)
    form = NoteForm()
    error = None
    if form.validate_on_submit():
        saved, error = save(form, lambda: services.edit_note(
            note, form.kind.data, form.noted_on.date, form.text.data, form.is_sensitive.data, actor=current_user,
            expected_version=int_or_none(form.version.data)))
        if error is None:
            flash(_("Note saved; the earlier text is kept in its history."), "success")
            return redirect(case_tab_url(case.id, "notes"))
    return render_template("notes/form.html", form=form, case=case, note=note, kind_labels=KIND_LABELS,
                           conflict=isinstance(error, Conflict)), error_status(error) if error else 422


def case_section(case) -> Markup:
    can_edit = can_edit_case(current_user, case)
    form = NoteForm(formdata=None, noted_on=date.today().isoformat(), kind="visit") if can_edit else None
    return Markup(render_template("notes/_case_section.html", case=case, notes=services.notes_of(case),
                                  form=form, can_edit=can_edit, kind_labels=KIND_LABELS,
                                  can_edit_note=services.can_edit_note))


def init_app(app):
    app.register_blueprint(bp)
    add_case_tab(app, "notes", _l("Notes"), 30, case_section)
