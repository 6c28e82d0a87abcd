"""The page each user lands on after logging in."""
from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from casework.auth.models import Role
from casework.auth.permissions import login_required_any, programmes_for, public
from casework.cases import queries
from casework.cases.forms import STATUS_LABELS
from casework.extensions import db
from casework.programmes.models import Donor

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@public
def root():
    if current_user.is_authenticated:
        if current_user.role in (Role.CASEWORKER, Role.SUPERVISOR):
            return redirect(url_for("mywork.index"))  # their landing page: their own work
        return redirect(url_for("dashboard.index"))
    return redirect(url_for("auth.login"))


@bp.route("/dashboard")
@login_required_any
def index():
    programmes = programmes_for(current_user)
    # Their donors' names in one statement, not one per programme.
    donor_names = dict(db.session.execute(select(Donor.id, Donor.name)
                                          .where(Donor.id.in_({p.donor_id for p in programmes}))).all())
    counts = queries.status_counts(current_user) if current_user.role != Role.DONOR else {}
    widgets = [render(current_user) for render in current_app.extensions.get("dashboard_widgets", [])]
    return render_template("dashboard/index.html", programmes=programmes, counts=counts,
                           count_cap=queries.STATUS_COUNT_CAP, donor_names=donor_names, status_labels=STATUS_LABELS, widgets=widgets)


def init_app(app):
    from flask_babel import lazy_gettext as _l

    app.register_blueprint(bp)
    app.extensions["nav"].append(("dashboard.index", _l("Dashboard"), None))
