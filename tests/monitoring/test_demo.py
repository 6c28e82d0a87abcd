"""The demo office's monitoring: schedules, scheduled visits and their tasks, recorded visits with
grant checks, and the sustainability surveys, consistent with its cases."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import func, select

from casework.cases.models import Case, CaseStatus
from casework.closures.models import CaseClosure, ClosureKind
from casework.extensions import db
from casework.monitoring import services
from casework.monitoring.models import (
    GrantUse,
    MonitoringSchedule,
    MonitoringVisit,
    ScheduledVisit,
    VisitGrantCheck,
)
from casework.programmes.models import Programme
from casework.surveys import services as surveys
from casework.surveys.models import SurveyResponse
from casework.tasks.models import Task, TaskStatus
from tests.helpers.demo import demo_login


def _closed_on() -> dict[int, date]:
    return dict(db.session.execute(select(CaseClosure.case_id, func.max(CaseClosure.on_date))
                                   .where(CaseClosure.kind == ClosureKind.CLOSED).group_by(CaseClosure.case_id)).all())


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_visits_follow_the_schedules_and_the_cases(runner, app, demo_office):
    """demo_office is what `casework demo load` built, once per test run."""
    today, closed_on = date.today(), _closed_on()
    for programme in db.session.scalars(select(Programme).where(Programme.code.in_(["AVR-CH", "VARRP-UK"]))):
        schedules = services.schedules_of(programme)
        assert len(schedules) >= 2 and all(s.valid_from >= programme.start_date for s in schedules)

    # Each case that arrived under a schedule is due its visits, at arrival plus each interval.
    scheduled = db.session.scalars(select(ScheduledVisit)).all()
    tasks = {t.origin_id: t for t in db.session.scalars(select(Task).where(Task.origin_kind == services.VISIT_TASK))}
    assert len(tasks) == len(scheduled)
    for visit in scheduled:
        case = db.session.get(Case, visit.case_id)
        schedule = services.schedule_on(case.programme, case.arrival_date)
        assert visit.months in schedule.intervals
        assert visit.due_on == services.add_months(case.arrival_date, visit.months)
        task = tasks[visit.id]
        assert task.due_on == visit.due_on
        if visit.visit_id is not None:  # recorded: it links its visit, of the same case, and its task is done
            assert visit.visit.case_id == case.id and task.status == TaskStatus.DONE
            assert visit.visit.visited_on >= visit.due_on - timedelta(days=10)  # not made long before it was due
        elif case.status == CaseStatus.CLOSED:
            assert task.status == TaskStatus.CANCELLED
        else:
            assert task.status == TaskStatus.OPEN
    unrecorded = [v for v in scheduled if v.visit_id is None]
    assert any(v.due_on > today for v in unrecorded)  # not yet due
    assert any(v.due_on < today and tasks[v.id].status == TaskStatus.OPEN for v in unrecorded)  # late

    # A visit is after the arrival, not in the future, not after the closure, and meets members who returned.
    visits = db.session.scalars(select(MonitoringVisit)).all()
    assert len(visits) > 200
    for visit in visits:
        assert visit.case.arrival_date < visit.visited_on <= min(today, closed_on.get(visit.case_id, today))
        assert visit.members and all(p.case_id == visit.case_id and p.travelled for p in visit.members)
        assert visit.answers is not None
        assert all(check.item.plan.case_id == visit.case_id for check in visit.item_checks)
    assert any(c.status_before != c.status_after for v in visits for c in v.item_checks)  # progress seen

    # A grant is checked once paid; "not as planned" flags it; the open flags are on open cases.
    checks = db.session.scalars(select(VisitGrantCheck)).all()
    assert checks
    for check in checks:
        assert check.grant.case_id == check.visit.case_id
        assert min(d.paid_on for d in check.grant.disbursements) <= check.visit.visited_on
        assert check.flagged == (check.use == GrantUse.NOT_AS_PLANNED)
    open_flags = [c for c in checks if c.flagged and c.resolved_at is None]
    assert len(open_flags) >= 2 and any(c.flagged and c.resolved_at is not None for c in checks)
    assert all(c.grant.case.status != CaseStatus.CLOSED for c in open_flags)

    # Loading again adds nothing.
    before = [_count(m) for m in (MonitoringSchedule, ScheduledVisit, MonitoringVisit, VisitGrantCheck, SurveyResponse)]
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert [_count(m) for m in (MonitoringSchedule, ScheduledVisit, MonitoringVisit, VisitGrantCheck,
                                SurveyResponse)] == before


def test_demo_surveys_are_of_adults_who_returned_scored_with_the_example_instrument(app, demo_office):
    today = date.today()
    instrument = surveys.instrument_by_code(surveys.example_code())
    assert surveys.is_shipped_example(instrument) and [v.number for v in instrument.versions] == [1]
    version = instrument.latest
    shipped = surveys.validate_definition(surveys.read_definition(surveys.EXAMPLE_FILE.read_bytes()))
    assert version.fingerprint == surveys.fingerprint(shipped)

    responses = db.session.scalars(select(SurveyResponse)).all()
    rounds = Counter(r.round for r in responses)
    assert rounds[surveys.INTAKE] > 50 and len(rounds) >= 4
    surveyed_cases = set()
    for response in responses:
        person, case = response.person, response.case
        assert person.case_id == case.id and person.travelled
        assert case.arrival_date <= response.taken_on <= today
        assert surveys.eligibility_refusal(person, version, response.taken_on) is None  # no survey for a child
        assert response.version_id == version.id
        scores = surveys.score_answers(version.definition, response.answers)
        assert [response.score(d) for d in ("economic", "social", "psychosocial")] + [response.composite_score] == [
            surveys.rounded(scores[d]) for d in ("economic", "social", "psychosocial", "composite")]
        if response.round != surveys.INTAKE:  # taken at a visit that met the person, in that visit's round
            visit = db.session.scalar(select(MonitoringVisit).where(MonitoringVisit.case_id == case.id,
                                                                    MonitoringVisit.visited_on == response.taken_on))
            assert person in visit.members
            assert services.survey_round(visit.answers, case.arrival_date, visit.visited_on) == response.round
        surveyed_cases.add(case.id)
    # The age rule had children to leave out: members of those cases under 18 on their arrival.
    assert [p for case_id in surveyed_cases for p in db.session.get(Case, case_id).persons
            if p.travelled and p.age_on(p.case.arrival_date) < 18]

def test_the_supervisor_sees_the_demo_flags_and_a_case_page_shows_visits_and_scores(client, app, demo_office):
    demo_login(client, demo_office, "supervisor")
    page = client.get("/my-work/flagged-grants").get_data(as_text=True)
    flagged = db.session.scalars(select(VisitGrantCheck).where(VisitGrantCheck.flagged.is_(True),
                                                               VisitGrantCheck.resolved_at.is_(None))).all()
    assert flagged and all(c.grant.case.reference in page for c in flagged)
    response = db.session.scalars(select(SurveyResponse).where(SurveyResponse.round != surveys.INTAKE)
                                  .order_by(SurveyResponse.id)).first()
    visit = db.session.scalar(select(MonitoringVisit).where(MonitoringVisit.case_id == response.case_id,
                                                            MonitoringVisit.visited_on == response.taken_on))
    page = client.get(f"/cases/{response.case_id}?tab=monitoring").get_data(as_text=True)
    assert services.stored_title(visit.answers.months) in page and visit.visited_by in page
    page = client.get(f"/cases/{response.case_id}?tab=surveys").get_data(as_text=True)
    assert response.person.full_name in page and f"{surveys.round_months(response.round)} months after arrival" in page
