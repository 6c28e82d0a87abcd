"""Administrators manage users and programmes here."""
from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from casework.admin.forms import (
    AuditFilterForm,
    CapForm,
    ConfirmForm,
    EditUserForm,
    PasswordForm,
    ProgrammeForm,
    UserForm,
)
from casework.audit.labels import ENTITY_LABELS, action_label
from casework.audit.models import AuditEvent
from casework.audit.queries import AuditFilters, audit_statement
from casework.audit.services import ACTIONS, record
from casework.auth import services as users
from casework.auth.models import Role, User
from casework.auth.permissions import roles_required
from casework.exports import csv_stream
from casework.extensions import db
from casework.forms import save, save_and_flash
from casework.loading import load_or_404
from casework.pagination import filter_args, keyset_page, paging
from casework.programmes import services as programmes_service
from casework.programmes.models import DEFAULT_THRESHOLD, Programme
from casework.transactions import run_in_transaction

bp = Blueprint("admin", __name__, url_prefix="/admin")
admin_only = roles_required(Role.ADMIN)


def _all_programmes():
    return db.session.scalars(select(Programme).order_by(Programme.code)).all()


def _save(form, action, template, status_on_error=422, **context):
    """Run a service call, commit once, or answer with the form and its error next to the field."""
    result, error = save(form, action)
    if error is not None:
        return None, (render_template(template, form=form, **context), status_on_error)
    return result, None


@bp.route("/users")
@admin_only
def users_index():
    all_users = db.session.scalars(select(User).order_by(User.username)).all()
    return render_template("admin/users.html", users=all_users, confirm=ConfirmForm())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def users_new():
    programmes = _all_programmes()
    form = UserForm()
    form.programmes.choices = [(p.id, p.code) for p in programmes]
    if form.validate_on_submit():
        chosen = [p for p in programmes if p.id in (form.programmes.data or [])]
        user, error_response = _save(
            form,
            lambda: users.create_user(form.username.data, form.role.data, form.password.data or "",
                                      full_name=form.full_name.data or "", programmes=chosen, actor=current_user),
            "admin/user_form.html", user=None,
        )
        if error_response:
            return error_response
        flash(_("User %(u)s created.", u=user.username), "success")
        return redirect(url_for("admin.users_index"))
    return render_template("admin/user_form.html", form=form, user=None), 422 if request.method == "POST" else 200


def _user_or_404(user_id: int) -> User:
    return load_or_404(User, user_id)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_only
def users_edit(user_id: int):
    user = _user_or_404(user_id)
    programmes = _all_programmes()
    form = EditUserForm(obj=user if request.method == "GET" else None)
    form.programmes.choices = [(p.id, p.code) for p in programmes]
    if request.method == "GET":
        form.role.data = user.role.value
        form.programmes.data = [p.id for p in user.programmes]
    elif form.validate_on_submit():
        chosen = [p for p in programmes if p.id in (form.programmes.data or [])]
        _saved, error_response = _save(
            form,
            lambda: users.update_user(user, role=form.role.data, full_name=form.full_name.data or "",
                                      programmes=chosen, actor=current_user),
            "admin/user_form.html", user=user, password_form=PasswordForm(),
        )
        if error_response:
            return error_response
        flash(_("User %(u)s saved.", u=user.username), "success")
        return redirect(url_for("admin.users_index"))
    return render_template("admin/user_form.html", form=form, user=user, password_form=PasswordForm())


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@admin_only
def users_password(user_id: int):
    user = _user_or_404(user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        save_and_flash(lambda: users.set_password(user, form.password.data, actor=current_user),
                       _("Password of %(u)s changed.", u=user.username))
    else:
        flash(_("Enter the new password."), "error")
    return redirect(url_for("admin.users_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/sessions")
@admin_only
def user_sessions(user_id: int):
    user = _user_or_404(user_id)
    return render_template("admin/user_sessions.html", user=user, sessions=users.sessions_of(user),
                           current=current_user.current_session, form=ConfirmForm(),
                           end_endpoint="admin.end_user_session", end_args={"user_id": user.id})


@bp.route("/users/<int:user_id>/sessions/<int:session_id>/end", methods=["POST"])
@admin_only
def end_user_session(user_id: int, session_id: int):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        save_and_flash(lambda: users.end_one_session(user, session_id, actor=current_user),
                       _("The session was ended."))
    return redirect(url_for("admin.user_sessions", user_id=user.id))


@bp.route("/users/<int:user_id>/sessions/end-all", methods=["POST"])
@admin_only
def end_user_sessions(user_id: int):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        save_and_flash(lambda: users.end_every_session(user, actor=current_user),
                       _("Every session of %(u)s was ended.", u=user.username))
    return redirect(url_for("admin.user_sessions", user_id=user.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@admin_only
def users_deactivate(user_id: int):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        save_and_flash(lambda: users.deactivate_user(user, actor=current_user),
                       _("User %(u)s deactivated.", u=user.username))
    return redirect(url_for("admin.users_index"))


@bp.route("/programmes")
@admin_only
def programmes_index():
    return render_template("admin/programmes.html", programmes=_all_programmes())


def _programme_values(form) -> dict:
    return {
        "name": form.name.data,
        "currency": form.currency.data,
        "start_date": form.start_date.date,
        "end_date": form.end_date.date,
        "decision_authority": form.decision_authority.data,
        "budget": form.budget.data or None,
        "small_cell_threshold": form.small_cell_threshold.data or DEFAULT_THRESHOLD,
        "release_calendar": form.release_calendar.data or [],
        "report_language": form.report_language.data or None,
        "plan_due_days": form.plan_due_days.data,
        "plan_item_required": form.plan_item_required.data,
        "sustainability_threshold": form.sustainability_threshold.data or None,
    }


@bp.route("/programmes/new", methods=["GET", "POST"])
@admin_only
def programmes_new():
    form = ProgrammeForm()
    if form.validate_on_submit():
        values = _programme_values(form)
        values["release_calendar"] = values["release_calendar"] or ["year"]  # yearly unless chosen
        programme, error_response = _save(
            form,
            lambda: programmes_service.create_programme(
                form.code.data, values.pop("name"), form.donor.data, values.pop("currency"),
                values.pop("start_date"), actor=current_user, **values),
            "admin/programme_form.html", programme=None,
        )
        if error_response:
            return error_response
        flash(_("Programme %(c)s created.", c=programme.code), "success")
        return redirect(url_for("admin.programmes_index"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/programme_form.html", form=form, programme=None), status


def _schedule_context(programme) -> dict:
    from casework.monitoring.forms import ScheduleForm
    from casework.monitoring.services import schedules_of

    return {"schedule_form": ScheduleForm(formdata=None), "schedules": schedules_of(programme)}


@bp.route("/programmes/<int:programme_id>", methods=["GET", "POST"])
@admin_only
def programmes_edit(programme_id: int):
    programme = load_or_404(Programme, programme_id)
    form = ProgrammeForm(obj=programme if request.method == "GET" else None)
    cap_form = CapForm()
    if request.method == "GET":
        form.donor.data = programme.donor.name
        form.start_date.data = programme.start_date.isoformat()
        form.end_date.data = programme.end_date.isoformat() if programme.end_date else ""
        form.decision_authority.data = programme.decision_authority.value
        form.budget.data = str(programme.budget) if programme.budget is not None else ""
        form.release_calendar.data = programme.release_calendar.split(",")
        threshold = programme.sustainability_threshold
        form.sustainability_threshold.data = format(threshold.normalize(), "f") if threshold is not None else ""
    elif form.validate_on_submit():
        _saved, error_response = _save(
            form,
            lambda: programmes_service.update_programme(programme, _programme_values(form), form.donor.data,
                                                        actor=current_user),
            "admin/programme_form.html", programme=programme, cap_form=cap_form, **_schedule_context(programme),
        )
        if error_response:
            return error_response
        flash(_("Programme %(c)s saved.", c=programme.code), "success")
        return redirect(url_for("admin.programmes_index"))
    else:
        return render_template("admin/programme_form.html", form=form, programme=programme, cap_form=cap_form,
                               **_schedule_context(programme)), 422
    form.code.render_kw = {"readonly": True}
    return render_template("admin/programme_form.html", form=form, programme=programme, cap_form=cap_form,
                           **_schedule_context(programme),
                           sections=programme_page_sections(programme))


def programme_page_sections(programme) -> list[str]:
    """Sections other domains add to a programme's administration page (documents required, for one)."""
    from flask import current_app

    return [render(programme) for render in current_app.extensions.get("programme_page_sections", [])]


@bp.route("/programmes/<int:programme_id>/caps", methods=["POST"])
@admin_only
def programmes_cap(programme_id: int):
    programme = load_or_404(Programme, programme_id)
    form = CapForm()
    if form.validate_on_submit():
        save_and_flash(lambda: programmes_service.set_cap(programme, form.valid_from.date, form.per_person.data or None,
                                                          form.per_case.data or None, actor=current_user),
                       _("Caps saved."))
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return redirect(url_for("admin.programmes_edit", programme_id=programme.id))


# The page an event's entity has, where it has one.
ENTITY_PAGES = {"cases": ("cases.detail", "case_id"), "grants": ("grants.detail", "grant_id"),
                "users": ("admin.users_edit", "user_id"), "programmes": ("admin.programmes_edit", "programme_id")}
AUDIT_PER_PAGE = 100


def _audit_filters():
    """The search form from the query string, and its filters (None when the form has errors)."""
    programmes = _all_programmes()
    form = AuditFilterForm(request.args)
    form.entity_type.choices = [("", _("Any entity"))] + [(k, str(v)) for k, v in ENTITY_LABELS.items()]
    form.action.choices = [("", _("Any action"))] + [(a, action_label(a)) for a in ACTIONS]
    form.programme.choices = [("", _("All programmes"))] + [(p.code, p.code) for p in programmes]
    if not form.validate():
        return form, None
    return form, AuditFilters(
        username=(form.username.data or "").strip() or None,
        entity_type=form.entity_type.data or None,
        entity_id=form.entity_id.data,
        action=form.action.data or None,
        programme_id=next((p.id for p in programmes if p.code == form.programme.data), None),
        start=form.start.date,
        end=form.end.date,
    )


@bp.route("/audit")
@admin_only
def audit():
    form, filters = _audit_filters()
    page = None
    if filters is not None:
        page = keyset_page(audit_statement(filters), AuditEvent, ("id",), descending=True, per_page=AUDIT_PER_PAGE,
                           **paging(request.args))
    args = filter_args(request.args)
    programmes = {p.id: p.code for p in _all_programmes()}
    return render_template("admin/audit.html", form=form, page=page, args=args, programmes=programmes,
                           entity_labels=ENTITY_LABELS, entity_pages=ENTITY_PAGES), (200 if page else 400)


@bp.route("/audit.csv")
@admin_only
def audit_export():
    form, filters = _audit_filters()
    if filters is None:
        return render_template("admin/audit.html", form=form, page=None, args={}, programmes={},
                               entity_labels=ENTITY_LABELS, entity_pages=ENTITY_PAGES), 400
    run_in_transaction(lambda: record("audit_exported", summary="audit trail as CSV",
                                      changes={"filters": filters.describe()}))
    programmes = {p.id: p.code for p in _all_programmes()}
    stmt = audit_statement(filters).order_by(AuditEvent.id.asc())

    def rows():
        yield ("id", "at_utc", "username", "action", "entity_type", "entity_id", "programme", "changes", "summary",
               "ip", "request_id")
        for event in db.session.scalars(stmt.execution_options(yield_per=2000)):
            yield (event.id, event.at.isoformat(timespec="seconds"), event.username, event.action,
                   event.entity_type, event.entity_id, programmes.get(event.programme_id),
                   json.dumps(event.changes, ensure_ascii=False, sort_keys=True) if event.changes else "",
                   event.summary, event.ip, event.request_id)

    return Response(stream_with_context(csv_stream(rows())), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=audit.csv"})



def init_app(app):
    app.register_blueprint(bp)
    app.extensions["nav"].append(("admin.users_index", _l("Users"), (Role.ADMIN,)))
    app.extensions["nav"].append(("admin.programmes_index", _l("Programmes"), (Role.ADMIN,)))
    app.extensions["nav"].append(("admin.audit", _l("Audit trail"), (Role.ADMIN,)))
