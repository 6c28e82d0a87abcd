"""The page each user lands on after logging in."""
from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user

from casework.auth.models import Role
from casework.auth.permissions import login_required_any, programmes_for, public
from casework.cases import queries
from casework.cases.forms import STATUS_LABELS

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@public
def root():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    return redirect(url_for("auth.login"))


@bp.route("/dashboard")
@login_required_any
def index():
    programmes = programmes_for(current_user)
    counts = queries.status_counts(current_user) if current_user.role != Role.DONOR else {}
    widgets = [render(current_user) for render in current_app.extensions.get("dashboard_widgets", [])]
    return render_template("dashboard/index.html", programmes=programmes, counts=counts,
                           count_cap=queries.STATUS_COUNT_CAP, status_labels=STATUS_LABELS, widgets=widgets)


def init_app(app):
    from flask_babel import lazy_gettext as _l

    app.register_blueprint(bp)
    app.extensions["nav"].append(("dashboard.index", _l("Dashboard"), None))
