"""Report rules: who may see which programme's reports, submitting a report, recording exports."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from casework.audit.services import record
from casework.auth.models import Role
from casework.auth.permissions import programmes_for
from casework.errors import DomainError, NotAllowed
from casework.extensions import db
from casework.programmes.models import Programme
from casework.reports import disclosure
from casework.reports.engine import Figures, compute_figures, differences
from casework.reports.models import SubmittedReport
from casework.reports.periods import Period

REPORT_ROLES = (Role.SUPERVISOR, Role.ADMIN, Role.DONOR)
UNIT_LABELS = {"year": _l("years"), "half": _l("half-years"), "quarter": _l("quarters"), "month": _l("months")}


def can_see_reports(user, programme) -> bool:
    if user.role not in REPORT_ROLES:
        return False
    return user.role == Role.ADMIN or any(p.id == programme.id for p in user.programmes)


def can_submit_report(user, programme) -> bool:
    return user.role == Role.SUPERVISOR and can_see_reports(user, programme)


def report_programmes(user) -> list[Programme]:
    return programmes_for(user) if user.role in REPORT_ROLES else []


def sees_donor_view(user) -> bool:
    """Donors receive protected releases; staff see exact figures (and may ask for the donor's view)."""
    return user.role == Role.DONOR


def report_figures(user, programme, period: Period, as_donor: bool = False) -> Figures:
    """The figures a user sees for a period: exact for staff, the protected release for donors
    (and for staff asking "what the donor sees"). Donors get release periods only."""
    if not (as_donor or sees_donor_view(user)):
        return compute_figures(programme, period)
    submitted = latest_submission(programme, period)
    if submitted is not None and submitted.donor_figures is not None:
        return Figures.from_dict(submitted.donor_figures)
    if period not in disclosure.calendar_periods(programme):
        raise NotARelease(programme)
    return disclosure.release_for_donor(programme, period)


class NotARelease(DomainError):
    def __init__(self, programme):
        units = ", ".join(str(UNIT_LABELS[u]) for u in disclosure.calendar_units(programme))
        super().__init__(_("Donors receive figures for the programme's release periods (%(units)s, once ended) "
                           "and for the reports submitted to them.", units=units), "period")


def latest_submission(programme, period: Period) -> SubmittedReport | None:
    return db.session.scalars(
        select(SubmittedReport).where(SubmittedReport.programme_id == programme.id,
                                      SubmittedReport.period_start == period.start,
                                      SubmittedReport.period_end == period.end)
        .order_by(SubmittedReport.version.desc()).limit(1)).first()


def report_locale(programme) -> str:
    """The language of a programme's donor reports, whoever views or exports them; unset, the reader's."""
    from casework.i18n import current_locale

    return programme.report_language or current_locale()


def submit_report(programme, period: Period, actor) -> SubmittedReport:
    """Store the period's figures and what the donor receives; the disclosure audit runs first and
    refuses a release that would let a donor work out a small count. A period submitted again is
    a new version that supersedes the previous one; both are kept."""
    if not can_submit_report(actor, programme):
        raise NotAllowed("Only a supervisor of the programme submits its reports.")
    if period.start < programme.start_date:
        raise DomainError(_("The period starts before the programme."), field="period")
    if period.end >= date.today():
        raise DomainError(_("A report is submitted once its period has ended."), field="period")
    model = disclosure.protected_model(programme, extra=period)
    findings = disclosure.disclosure_audit(model)
    if findings:
        first = findings[0]
        raise DomainError(ngettext(
            "Refused: together with the other releases, this report would let the donor work out %(num)d "
            "small count (%(release)s, %(cell)s). Submit a calendar period instead.",
            "Refused: together with the other releases, this report would let the donor work out %(num)d "
            "small counts (for example %(release)s, %(cell)s). Submit a calendar period instead.",
            len(findings), release=first.release, cell=first.cell), field="period")
    figures = compute_figures(programme, period)
    previous = latest_submission(programme, period)
    report = SubmittedReport(programme_id=programme.id, period_start=period.start, period_end=period.end,
                             label=period.label, figures=figures.to_dict(), submitted_by_id=actor.id,
                             donor_figures=disclosure.donor_figures(model, period).to_dict(),
                             version=previous.version + 1 if previous else 1,
                             supersedes_id=previous.id if previous else None)
    db.session.add(report)
    db.session.flush()
    record("report_submitted", user=actor, entity=report, programme_id=programme.id,
           changes={"version": report.version, "supersedes": report.supersedes_id},
           summary=f"{programme.code} {period.label} v{report.version}")
    return report


def superseded_by(report: SubmittedReport) -> SubmittedReport | None:
    return db.session.scalars(select(SubmittedReport).where(SubmittedReport.supersedes_id == report.id)).first()


def changes_from_previous_version(report: SubmittedReport) -> list[tuple[str, object, object]]:
    return differences(report.supersedes.figures, report.figures) if report.supersedes else []


def submitted_reports(user, programme=None) -> list[SubmittedReport]:
    ids = [p.id for p in report_programmes(user)]
    if programme is not None:
        ids = [i for i in ids if i == programme.id]
    stmt = (select(SubmittedReport).where(SubmittedReport.programme_id.in_(ids or [-1]))
            .order_by(SubmittedReport.submitted_at.desc()))
    return db.session.scalars(stmt).all()


def stored_figures(report: SubmittedReport, as_donor: bool = False) -> Figures:
    """A submitted report's figures as stored: exact, or as the donor received them."""
    if as_donor:
        if report.donor_figures is None:  # submitted before releases were protected: protect it now
            return disclosure.donor_figures(disclosure.protected_model(report.programme),
                                            Period(report.period_start, report.period_end))
        return Figures.from_dict(report.donor_figures)
    return Figures.from_dict(report.figures)


def project_totals(user, on: date) -> list[tuple]:
    """The project totals page: cumulative figures of each programme to a day. Donors get them to
    the end of the latest release period ended by that day, protected like the release."""
    rows = []
    for programme in report_programmes(user):
        if programme.start_date > on:
            continue
        if not sees_donor_view(user):
            rows.append((programme, compute_figures(programme, Period(programme.start_date, on))))
            continue
        ended = [p for p in disclosure.calendar_periods(programme) if p.end <= on]
        if ended:
            latest = max(ended, key=lambda p: (p.end, p.end - p.start))
            release = disclosure.release_for_donor(programme, latest)
            rows.append((programme, disclosure.cumulative_view(release)))
    return rows


def changes_since_submission(report: SubmittedReport) -> list[tuple[str, object, object]]:
    current = compute_figures(report.programme, Period(report.period_start, report.period_end)).to_dict()
    # A table counted only since the report was submitted is not a change of what it said.
    return differences(report.figures, {k: v for k, v in current.items() if k in report.figures})


def record_export(user, programme, period: Period, fmt: str, submitted: SubmittedReport | None = None) -> None:
    what = f"{programme.code} {period.label} {fmt}" + (f" (submitted report {submitted.id})" if submitted else "")
    record("report_exported", user=user, entity_type="submitted_reports" if submitted else "programmes",
           entity_id=submitted.id if submitted else programme.id, programme_id=programme.id,
           changes={"format": fmt, "from": period.start, "to": period.end}, summary=what)
