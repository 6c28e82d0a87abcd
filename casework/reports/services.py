"""Report rules: who may see which programme's reports, submitting a report, recording exports."""
from __future__ import annotations

from sqlalchemy import select

from casework.audit.services import record
from casework.auth.models import Role
from casework.auth.permissions import programmes_for
from casework.errors import DomainError, NotAllowed
from casework.extensions import db
from casework.programmes.models import Programme
from casework.reports.engine import Figures, compute_figures, differences
from casework.reports.models import SubmittedReport
from casework.reports.periods import Period

REPORT_ROLES = (Role.SUPERVISOR, Role.ADMIN, Role.DONOR)


def can_see_reports(user, programme) -> bool:
    if user.role not in REPORT_ROLES:
        return False
    return user.role == Role.ADMIN or any(p.id == programme.id for p in user.programmes)


def can_submit_report(user, programme) -> bool:
    return user.role == Role.SUPERVISOR and can_see_reports(user, programme)


def report_programmes(user) -> list[Programme]:
    return programmes_for(user) if user.role in REPORT_ROLES else []


def report_locale(programme) -> str:
    """The language of a programme's donor reports, whoever views or exports them; unset, the reader's."""
    from casework.i18n import current_locale

    return programme.report_language or current_locale()


def threshold_for(user, programme) -> int | None:
    """Donors see breakdowns with the programme's small-cell threshold; staff see exact counts."""
    return programme.small_cell_threshold if user is None or user.role == Role.DONOR else None


def submit_report(programme, period: Period, actor) -> SubmittedReport:
    if not can_submit_report(actor, programme):
        raise NotAllowed("Only a supervisor of the programme submits its reports.")
    if period.start < programme.start_date:
        raise DomainError("The period starts before the programme.", field="period")
    figures = compute_figures(programme, period)
    report = SubmittedReport(programme_id=programme.id, period_start=period.start, period_end=period.end,
                             label=period.label, figures=figures.to_dict(), submitted_by_id=actor.id)
    db.session.add(report)
    db.session.flush()
    record("report_submitted", user=actor, entity=report, programme_id=programme.id,
           summary=f"{programme.code} {period.label}")
    return report


def submitted_reports(user, programme=None) -> list[SubmittedReport]:
    ids = [p.id for p in report_programmes(user)]
    if programme is not None:
        ids = [i for i in ids if i == programme.id]
    stmt = (select(SubmittedReport).where(SubmittedReport.programme_id.in_(ids or [-1]))
            .order_by(SubmittedReport.submitted_at.desc()))
    return db.session.scalars(stmt).all()


def stored_figures(report: SubmittedReport) -> Figures:
    return Figures.from_dict(report.figures)


def changes_since_submission(report: SubmittedReport) -> list[tuple[str, object, object]]:
    current = compute_figures(report.programme, Period(report.period_start, report.period_end))
    return differences(report.figures, current.to_dict())


def record_export(user, programme, period: Period, fmt: str, submitted: SubmittedReport | None = None) -> None:
    what = f"{programme.code} {period.label} {fmt}" + (f" (submitted report {submitted.id})" if submitted else "")
    record("report_exported", user=user, entity_type="submitted_reports" if submitted else "programmes",
           entity_id=submitted.id if submitted else programme.id, programme_id=programme.id,
           changes={"format": fmt, "from": period.start, "to": period.end}, summary=what)
