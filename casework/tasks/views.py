"""Task screens: the lists (overdue, due within 7 days, open, done), adding on the case page, closing."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from casework.auth.models import Role, User
from casework.auth.permissions import CASE_ROLES, can_edit_case, roles_required
from casework.cases.queries import get_case_or_404
from casework.cases.tabs import add_case_tab, case_tab_url
from casework.extensions import db
from casework.forms import int_or_none, save_and_flash
from casework.loading import allowed_or_403, found_or_404, load_or_404
from casework.tasks import queries, services
from casework.tasks.forms import CloseTaskForm, TaskForm
from casework.tasks.labels import ORIGIN_LABELS, STATUS_LABELS, VIEW_LABELS
from casework.tasks.models import Task

bp = Blueprint("tasks", __name__)
LIST_LIMIT = 200
LABELS = {"task_status_labels": STATUS_LABELS, "origin_labels": ORIGIN_LABELS, "view_labels": VIEW_LABELS}


def _assignees(case):
    """The active caseworkers and supervisors who may edit the case: those working on its programme
    (one statement; `can_edit_case` for these roles)."""
    from sqlalchemy import select

    from casework.programmes.models import Programme

    users = db.session.scalars(select(User).where(User.role.in_([Role.CASEWORKER, Role.SUPERVISOR]), User.is_active,
                                                  User.programmes.any(Programme.id == case.programme_id))
                               .order_by(User.username)).all()
    return [(u.id, u.full_name or u.username) for u in users]


def _task_form(case, formdata=None) -> TaskForm:
    form = TaskForm(formdata=formdata)
    form.assignee_id.choices = [(0, _("(nobody yet)"))] + _assignees(case)
    if formdata is None:
        form.assignee_id.data = case.caseworker_id or 0
        form.due_on.data = (services.today() + timedelta(days=7)).isoformat()
    return form


@bp.route("/tasks/")
@roles_required(*CASE_ROLES)
def index():
    view = request.args.get("view", "open")
    found_or_404(VIEW_LABELS.get(view))
    day = services.today()
    tasks = queries.task_lines(queries.task_lines_stmt(queries.tasks_stmt(current_user, view, day)).limit(LIST_LIMIT))
    return render_template("tasks/index.html", tasks=tasks, view=view, today=day, limit=LIST_LIMIT,
                           team=queries.sees_team(current_user), **LABELS)


@bp.route("/cases/<int:case_id>/tasks", methods=["POST"])
@roles_required(*CASE_ROLES)
def add(case_id: int):
    case = get_case_or_404(case_id, current_user)
    allowed_or_403(can_edit_case(current_user, case))
    form = _task_form(case, formdata=request.form)
    if form.validate_on_submit():
        save_and_flash(lambda: services.add_task(case, form.title.data, form.due_on.date,
                                                 form.assignee_id.data or None, actor=current_user),
                       _("Task added."))
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return redirect(case_tab_url(case.id, "tasks"))


@bp.route("/tasks/<int:task_id>/close", methods=["POST"])
@roles_required(*CASE_ROLES)
def close(task_id: int):
    task = load_or_404(Task, task_id)
    case = get_case_or_404(task.case_id, current_user)
    allowed_or_403(can_edit_case(current_user, case))
    form = CloseTaskForm()
    if form.validate_on_submit():
        save_and_flash(lambda: services.close_task(task, form.status.data, actor=current_user,
                                                   expected_version=int_or_none(form.version.data)),
                       _("Task closed."))
    else:
        flash(_("Choose done or cancelled."), "error")
    target = request.form.get("back")
    if target == "tasks":
        return redirect(url_for("tasks.index", view=request.form.get("view", "open")))
    return redirect(case_tab_url(case.id, "tasks"))


def case_section(case) -> Markup:
    can_edit = can_edit_case(current_user, case)
    return Markup(render_template("tasks/_case_section.html", case=case, tasks=services.open_tasks_of(case),
                                  form=_task_form(case) if can_edit else None, can_edit=can_edit,
                                  today=services.today(), **LABELS))


def init_app(app):
    app.register_blueprint(bp)
    add_case_tab(app, "tasks", _l("Tasks"), 20, case_section)
