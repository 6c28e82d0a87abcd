"""Logging in and out, the language switcher, and the user's own account pages."""
import time
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from casework.auth import services
from casework.auth.forms import ActionForm, ChangePasswordForm, LanguageForm, LoginForm
from casework.auth.permissions import login_required_any, public
from casework.forms import save, save_and_flash
from casework.i18n import SESSION_KEY
from casework.transactions import run_in_transaction

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """A path of this site to go back to, or None. Control characters (a newline would end the
    Location header) and backslashes (which browsers read as "/", making "/\\host" another site)
    are refused."""
    if not target or any(ord(c) < 32 or ord(c) == 127 or c == "\\" for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _new_session() -> None:
    """Start a clean session (at login and logout), keeping only the switcher's language choice."""
    chosen_locale = session.get(SESSION_KEY)
    session.clear()
    if chosen_locale:
        session[SESSION_KEY] = chosen_locale


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:  # a refused or failed login is recorded too
            user = run_in_transaction(
                lambda: services.authenticate(form.username.data, form.password.data, request.remote_addr),
                commit_on=(services.LoginThrottled,))
        except services.LoginThrottled as refused:
            flash(refused.message, "error")
            return render_template("auth/login.html", form=form), refused.status
        if user is None:
            flash(_("Wrong username or password."), "error")
            return render_template("auth/login.html", form=form), 200
        run_in_transaction(lambda: services.start_session(user, request.remote_addr, request.user_agent.string))
        _new_session()  # a new cookie for the new session record: only the language choice carries over
        login_user(user)
        session["_started"] = int(time.time())  # for the absolute session lifetime
        return redirect(_safe_next(request.args.get("next")) or url_for("dashboard.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required_any
def logout():
    run_in_transaction(lambda: services.end_session(current_user._get_current_object()))
    logout_user()
    _new_session()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
@public
def language():
    """The switcher: this session's language and, for a logged-in user, their saved setting."""
    form = LanguageForm()
    if form.validate_on_submit():
        session[SESSION_KEY] = form.locale.data
        if current_user.is_authenticated:
            run_in_transaction(lambda: services.set_locale(current_user._get_current_object(), form.locale.data))
    return redirect(_safe_next(request.form.get("next")) or url_for("dashboard.root"))


@bp.route("/account")
@login_required_any
def account():
    """Who the user is logged in as: name, role, programmes and last login."""
    return render_template("auth/account.html", user=current_user)


@bp.route("/account/sessions")
@login_required_any
def sessions():
    user = current_user._get_current_object()
    return render_template("auth/sessions.html", sessions=services.sessions_of(user),
                           current=user.current_session, form=ActionForm(),
                           end_endpoint="auth.end_session", end_args={})


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@login_required_any
def end_session(session_id: int):
    user = current_user._get_current_object()
    if not ActionForm().validate_on_submit():
        abort(400)
    is_current = user.current_session is not None and user.current_session.id == session_id
    save_and_flash(lambda: services.end_one_session(user, session_id, actor=user), _("The session was ended."))
    if is_current:
        logout_user()
        session.clear()
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.sessions"))


@bp.route("/account/sessions/end-all", methods=["POST"])
@login_required_any
def end_all_sessions():
    user = current_user._get_current_object()
    if not ActionForm().validate_on_submit():
        abort(400)
    run_in_transaction(lambda: services.end_every_session(user, actor=user))
    logout_user()
    session.clear()
    flash(_("You are logged out everywhere."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required_any
def password():
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        _ended, error = save(form, lambda: services.change_own_password(
            user, form.current_password.data, form.new_password.data, keep=user.current_session))
        if error is None:
            flash(_("Your password was changed; your other sessions were ended."), "success")
            return redirect(url_for("auth.sessions"))
    return render_template("auth/password.html", form=form), 422 if form.errors else 200


def init_app(app):
    app.register_blueprint(bp)
