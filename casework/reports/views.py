"""Report pages: a programme's period report with charts, exports, submitted reports, project totals."""
from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import HiddenField

from casework.auth.permissions import roles_required
from casework.dates import parse_date
from casework.errors import DomainError
from casework.loading import allowed_or_403, found_or_404, load_or_404
from casework.programmes.services import find_programme
from casework.reports import services
from casework.reports.charts import charts_for
from casework.reports.exports import FORMATS, filename, render_export
from casework.reports.models import SubmittedReport
from casework.reports.periods import Period, PeriodError, parse_period, period_between
from casework.reports.tables import build_tables, figure_label
from casework.transactions import run_in_transaction

bp = Blueprint("reports", __name__, url_prefix="/reports")


class SubmitReportForm(FlaskForm):
    programme = HiddenField()
    start = HiddenField()
    end = HiddenField()


def _programme_or_404(code):
    return found_or_404(find_programme(code), lambda programme: services.can_see_reports(current_user, programme))


def _period(programme, args) -> Period:
    """The period asked for: ?period=2011-Q3, or ?from=&to= (defaults: programme start, today)."""
    if args.get("period"):
        return parse_period(args["period"])
    start, end = args.get("from") or "", args.get("to") or ""
    parsed_start, parsed_end = parse_date(start), parse_date(end)
    if (start and parsed_start is None) or (end and parsed_end is None):
        raise PeriodError(_("Dates are written like 2011-12-31."))
    return period_between(programme, parsed_start, parsed_end)


def _query(programme, period) -> dict:
    return {"programme": programme.code, "from": period.start.isoformat(), "to": period.end.isoformat()}


@bp.route("/")
@roles_required(*services.REPORT_ROLES)
def index():
    programmes = services.report_programmes(current_user)
    code = request.args.get("programme")
    context = {"programmes": programmes, "args": request.args, "donor": services.sees_donor_view(current_user)}
    if not code:
        context["submitted"] = services.submitted_reports(current_user)
        return render_template("reports/index.html", **context)
    programme = _programme_or_404(code)
    try:
        releases = _releases(programme)
        asked = any(request.args.get(k) for k in ("period", "from", "to"))
        if services.sees_donor_view(current_user) and releases and not asked:
            period = releases[0]  # a donor's page opens on the latest release
        else:
            period = _period(programme, request.args)
    except PeriodError as error:
        flash(str(error), "error")
        return render_template("reports/index.html", **context, submitted=[]), 400
    as_donor = request.args.get("view") == "donor"
    try:
        figures = services.report_figures(current_user, programme, period, as_donor=as_donor)
    except DomainError as error:
        flash(error.message, "error")
        return render_template("reports/index.html", **context, programme=programme, submitted=[],
                               releases=_releases(programme)), 400
    form = SubmitReportForm(programme=programme.code, start=period.start.isoformat(), end=period.end.isoformat())
    with force_locale(services.report_locale(programme)):
        tables = build_tables(figures)
        return render_template(
            "reports/index.html", **context, programme=programme, figures=figures, tables=tables,
            charts=charts_for(tables), query=_query(programme, period), form=form,
            can_submit=services.can_submit_report(current_user, programme), as_donor=as_donor,
            releases=_releases(programme),
            submitted=services.submitted_reports(current_user, programme))


def _releases(programme) -> list:
    """The calendar periods a donor may open, newest first (the list on a donor's report page)."""
    from casework.reports.disclosure import calendar_periods

    return list(reversed(calendar_periods(programme)))[:40]


@bp.route("/export.<fmt>")
@roles_required(*services.REPORT_ROLES)
def export(fmt):
    found_or_404(FORMATS.get(fmt))
    programme = _programme_or_404(request.args.get("programme"))
    try:
        period = _period(programme, request.args)
    except PeriodError:
        abort(400)
    try:
        figures = services.report_figures(current_user, programme, period,
                                          as_donor=request.args.get("view") == "donor")
    except DomainError:
        figures = None  # not a release this user may receive
    found_or_404(figures)
    with force_locale(services.report_locale(programme)):
        body = render_export(figures, build_tables(figures), fmt)
    run_in_transaction(lambda: services.record_export(current_user, programme, period, fmt))
    return _download(body, fmt, filename(figures, fmt))


def _download(body: bytes, fmt: str, name: str) -> Response:
    return Response(body, mimetype=FORMATS[fmt][0],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/submit", methods=["POST"])
@roles_required(*services.REPORT_ROLES)
def submit():
    form = SubmitReportForm()
    if not form.validate_on_submit():
        abort(400)
    programme = _programme_or_404(form.programme.data)
    allowed_or_403(services.can_submit_report(current_user, programme))
    try:
        period = Period(date.fromisoformat(form.start.data), date.fromisoformat(form.end.data))
        report = run_in_transaction(lambda: services.submit_report(programme, period, current_user))
    except (ValueError, DomainError) as error:
        flash(getattr(error, "message", None) or str(error), "error")
        return redirect(url_for("reports.index", programme=programme.code))
    flash(_("Report %(label)s submitted to %(donor)s.", label=report.label, donor=programme.donor.name), "success")
    return redirect(url_for("reports.submitted", report_id=report.id))


def _submitted_or_404(report_id) -> SubmittedReport:
    return load_or_404(SubmittedReport, report_id,
                       may_see=lambda report: services.can_see_reports(current_user, report.programme))


@bp.route("/submitted/<int:report_id>")
@roles_required(*services.REPORT_ROLES)
def submitted(report_id):
    report = _submitted_or_404(report_id)
    donor = services.sees_donor_view(current_user)
    figures = services.stored_figures(report, as_donor=donor or request.args.get("view") == "donor")
    # Differences are staff information: a donor's view is the release as they received it.
    changes = [] if donor else services.changes_since_submission(report)
    versions = [] if donor else services.changes_from_previous_version(report)
    with force_locale(services.report_locale(report.programme)):
        tables = build_tables(figures)
        return render_template("reports/submitted.html", report=report, figures=figures, tables=tables,
                               charts=charts_for(tables), programme=report.programme, donor=donor,
                               changes=[(figure_label(k), a, b) for k, a, b in changes],
                               version_changes=[(figure_label(k), a, b) for k, a, b in versions],
                               superseded_by=services.superseded_by(report))


@bp.route("/submitted/<int:report_id>/export.<fmt>")
@roles_required(*services.REPORT_ROLES)
def submitted_export(report_id, fmt):
    found_or_404(FORMATS.get(fmt))
    report = _submitted_or_404(report_id)
    figures = services.stored_figures(report, as_donor=services.sees_donor_view(current_user)
                                      or request.args.get("view") == "donor")
    with force_locale(services.report_locale(report.programme)):
        body = render_export(figures, build_tables(figures), fmt, submitted=report)
    run_in_transaction(lambda: services.record_export(current_user, report.programme, figures.period, fmt,
                                                      submitted=report))
    return _download(body, fmt, filename(figures, fmt, suffix="-submitted"))


@bp.route("/totals")
@roles_required(*services.REPORT_ROLES)
def totals():
    on = parse_date(request.args.get("on", "")) or date.today()
    if on.year >= 9999:  # the figures look a day past the end of the period
        abort(400)
    rows = services.project_totals(current_user, on)
    return render_template("reports/totals.html", rows=rows, on=on, donor=services.sees_donor_view(current_user))


def dashboard_widget(user):
    if user.role not in services.REPORT_ROLES:
        return Markup("")
    return Markup(render_template("reports/_widget.html"))


def init_app(app):
    from casework.reports.cli import report_cli

    app.register_blueprint(bp)
    app.extensions["nav"].append(("reports.index", _l("Reports"), services.REPORT_ROLES))
    app.extensions["dashboard_widgets"].append(dashboard_widget)
    app.extensions["cli_groups"].append(report_cli)
