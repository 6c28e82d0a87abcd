"""My work: the landing page of caseworkers and supervisors, and the lists behind its counts."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from casework.auth.models import Role
from casework.auth.permissions import CASE_ROLES, roles_required
from casework.cases.forms import STATUS_LABELS
from casework.cases.models import CaseStatus
from casework.extensions import db
from casework.loading import found_or_404
from casework.mywork import queries
from casework.tasks import queries as tq
from casework.tasks import services as task_services
from casework.tasks.labels import ORIGIN_LABELS, VIEW_LABELS

bp = Blueprint("mywork", __name__, url_prefix="/my-work")
LIST_LIMIT = 200
SECTION_TITLES = {
    "plans-overdue": _l("Cases without an approved plan past the deadline"),
    "sent-back": _l("Grants sent back"),
    "referrals": _l("Referrals awaiting an answer"),
    "flagged-grants": _l("Grants flagged at monitoring visits"),
}


@bp.route("/")
@roles_required(*CASE_ROLES)
def index():
    day = task_services.today()
    user = current_user
    found = queries.page(user, day)
    counts = found["counts"]
    context = {
        "team": tq.sees_team(user),
        "cases_by_status": {status: counts[status] for status in tq.OPEN_CASE},
        "task_counts": {"overdue": counts["overdue"], "soon": counts["soon"]},
        "overdue_tasks": found["lines"]["overdue"],
        "soon_tasks": found["lines"]["soon"],
        **{name: (counts[name], lines) for name, lines in found["lines"].items() if name not in queries.TASK_LISTS},
    }
    if user.role == Role.SUPERVISOR:
        context["queue_count"] = counts["queue"]
        context["plans_awaiting"] = counts["plans_awaiting"]
    return render_template("mywork/index.html", today=day, status_labels=STATUS_LABELS, origin_labels=ORIGIN_LABELS,
                           view_labels=VIEW_LABELS,
                           section_titles=SECTION_TITLES, capped=queries.capped, open_statuses=[s for s in tq.OPEN_CASE], **context)


@bp.route("/cases/<status>")
@roles_required(*CASE_ROLES)
def cases(status: str):
    status = found_or_404(next((s for s in CaseStatus if s.value == status), None))
    rows = db.session.scalars(queries.cases_stmt(current_user, status).limit(LIST_LIMIT)).all()
    return render_template("mywork/list.html", kind="cases", title=STATUS_LABELS[status], rows=rows,
                           limit=LIST_LIMIT, team=tq.sees_team(current_user))


def _flagged_stmt(user):
    from casework.monitoring.services import flagged_grants_stmt

    found_or_404(tq.sees_team(user) or None)
    return flagged_grants_stmt(user)


@bp.route("/<any('plans-overdue', 'sent-back', 'referrals', 'flagged-grants'):name>")
@roles_required(*CASE_ROLES)
def section(name: str):
    stmt = {"plans-overdue": lambda: queries.plan_overdue_stmt(current_user, task_services.today()),
            "sent-back": lambda: queries.sent_back_stmt(current_user),
            "referrals": lambda: queries.referrals_awaiting_stmt(current_user),
            "flagged-grants": lambda: _flagged_stmt(current_user)}[name]()
    if name == "referrals":
        from casework.referrals.models import Referral

        stmt = stmt.options(selectinload(Referral.provider))
    rows = queries.first_rows(stmt, LIST_LIMIT)
    return render_template("mywork/list.html", kind=name, title=SECTION_TITLES[name], rows=rows, limit=LIST_LIMIT,
                           team=tq.sees_team(current_user))


def init_app(app):
    app.register_blueprint(bp)
    app.extensions["nav"].insert(0, ("mywork.index", _l("My work"), CASE_ROLES))
