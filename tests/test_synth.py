"""Synthetic caseload: realistic shape, usable by the app, written in bulk."""
from __future__ import annotations

import io
from datetime import date

from sqlalchemy import func, select

from casework.cases.models import Case, Person, Relationship
from casework.extensions import db
from casework.grants.models import Disbursement, Grant, GrantDecision
from casework.monitoring import services as monitoring
from casework.monitoring.models import MonitoringVisit, ScheduledVisit, VisitGrantCheck
from casework.programmes.models import Programme
from casework.progress import Progress
from casework.surveys import services as surveys
from casework.surveys.models import SurveyResponse
from casework.tasks.models import Task, TaskStatus
from tests.helpers.case_summaries import disagreements


def test_synth_creates_families_grants_and_a_usable_caseload(runner, office, client, auth, factory):
    result = runner.invoke(args=["demo", "synth", "--cases", "300", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "300 cases" in result.output and "\r" not in result.output  # quiet off a terminal
    synthetic = select(Case.id).join(Programme).where(Programme.code.like("SYN-%"))
    assert db.session.scalar(select(func.count()).select_from(synthetic.subquery())) == 300
    sizes = db.session.execute(select(Person.case_id, func.count()).where(Person.case_id.in_(synthetic))
                               .group_by(Person.case_id)).all()
    assert len(sizes) == 300 and {n for _c, n in sizes} <= set(range(1, 9)) and max(n for _c, n in sizes) >= 4
    principals = db.session.scalar(select(func.count()).select_from(Person).where(
        Person.case_id.in_(synthetic), Person.relationship == Relationship.PRINCIPAL))
    assert principals == 300
    assert db.session.scalar(select(func.count()).select_from(Grant)) > 50
    assert db.session.scalar(select(func.count()).select_from(GrantDecision)) > 30
    assert db.session.scalar(select(func.count()).select_from(Disbursement)) > 20
    approved = db.session.scalars(select(Grant).where(Grant.approved_amount.is_not(None)).limit(20)).all()
    assert all(g.approved_amount <= g.requested_amount for g in approved)
    assert all(sum((d.amount for d in g.disbursements), start=0) <= g.approved_amount for g in approved)

    _monitoring_is_consistent()
    # What each case keeps of its plan and referrals, written in bulk with them.
    assert not disagreements()
    assert db.session.scalar(select(func.count()).where(Case.plan_approved_at.is_not(None))) > 100

    # The app reads what was written in bulk, and goes on numbering after it.
    auth.login("admin")
    case_id = db.session.scalar(synthetic.limit(1))
    assert client.get(f"/cases/{case_id}").status_code == 200
    surveyed = db.session.scalar(select(SurveyResponse).where(SurveyResponse.round != surveys.INTAKE).limit(1))
    assert surveyed.person.full_name in client.get(f"/cases/{surveyed.case_id}?tab=surveys").get_data(as_text=True)
    assert "Synthetic field officer" in client.get(f"/cases/{surveyed.case_id}?tab=monitoring").get_data(as_text=True)
    assert client.get("/cases/?programme=SYN-DE").status_code == 200
    programme = db.session.scalar(select(Case).where(Case.id == case_id)).programme
    new = factory.case(programme)
    db.session.commit()
    assert new.id > case_id

    again = runner.invoke(args=["demo", "synth", "--cases", "10"])
    assert again.exit_code != 0 and "present already" in again.output


def _monitoring_is_consistent():
    """Visits follow the schedules and the cases; grants are checked once paid; surveys are of adults."""
    today = date.today()
    cases = {c.id: c for c in db.session.scalars(select(Case))}
    scheduled = db.session.scalars(select(ScheduledVisit)).all()
    tasks = {t.origin_id: t for t in db.session.scalars(select(Task).where(Task.origin_kind == monitoring.VISIT_TASK))}
    assert len(scheduled) > 300 and len(tasks) == len(scheduled)
    for visit in scheduled:
        case = cases[visit.case_id]
        assert visit.months in monitoring.schedule_on(case.programme, case.arrival_date).intervals
        assert visit.due_on == monitoring.add_months(case.arrival_date, visit.months)
        assert tasks[visit.id].due_on == visit.due_on
        assert tasks[visit.id].status == (TaskStatus.DONE if visit.visit_id else TaskStatus.CANCELLED
                                          if case.status.value == "closed" else TaskStatus.OPEN)
        if visit.visit_id:
            assert visit.visit.case_id == case.id
    visits = db.session.scalars(select(MonitoringVisit)).all()
    assert len(visits) > 200
    assert all(cases[v.case_id].arrival_date < v.visited_on <= today for v in visits)
    assert all(v.members and {p.case_id for p in v.members} == {v.case_id} for v in visits[:200])
    checks = db.session.scalars(select(VisitGrantCheck)).all()
    assert checks and all(c.grant.case_id == c.visit.case_id and
                          min(d.paid_on for d in c.grant.disbursements) <= c.visit.visited_on for c in checks)
    responses = db.session.scalars(select(SurveyResponse)).all()
    assert {surveys.INTAKE, "month-3"} <= {r.round for r in responses}
    version = surveys.instrument_by_code(surveys.example_code()).latest
    for response in responses:
        assert cases[response.case_id].arrival_date <= response.taken_on <= today
        assert surveys.eligibility_refusal(response.person, version, response.taken_on) is None
        assert response.composite_score == surveys.rounded(surveys.score_answers(version.definition,
                                                                                 response.answers)["composite"])


def test_progress_shows_rate_and_time_left_only_on_a_terminal():
    stream = io.StringIO()
    progress = Progress("Importing", total=1000, stream=stream, enabled=True)
    progress.advance(1000)
    progress.finish()
    assert "Importing: 1,000/1,000 (100%)" in stream.getvalue() and "/s" in stream.getvalue()
    assert "s left" in stream.getvalue()
    quiet = io.StringIO()
    silent = Progress("Importing", total=10, stream=quiet)  # StringIO is not a terminal
    silent.advance(10)
    silent.finish()
    assert quiet.getvalue() == ""
