"""The demo office's plans, referrals, notes and tasks: consistent with its cases and grants."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from casework.cases.models import Case, CaseStatus
from casework.closures.models import CaseClosure, ClosureKind
from casework.extensions import db
from casework.grants.models import Disbursement, Grant
from casework.monitoring.models import MonitoringVisit
from casework.notes.models import CaseNote
from casework.plans.models import ItemStatus, PlanItem, PlanStatus, PlanVersion, ReintegrationPlan
from casework.referrals.models import Referral
from casework.surveys.models import SurveyResponse
from casework.tasks.models import Task, TaskStatus


def test_demo_plans_follow_the_rules_and_keep_the_published_figures(runner, app, demo_office):
    """demo_office is what `casework demo load` built, once per test run."""
    plans = db.session.scalars(select(ReintegrationPlan)).all()
    assert len(plans) > 200
    for version in db.session.scalars(select(PlanVersion)):
        assert version.approved_by_id not in (version.submitted_by_id, version.plan.drafted_by_id)
    assert {p.status for p in plans} == {PlanStatus.APPROVED, PlanStatus.SUBMITTED}
    # Every grant linked to an item funds an item of its own case's approved plan.
    linked = db.session.execute(select(Grant.case_id, ReintegrationPlan.case_id, PlanItem.approved_number)
                                .join(PlanItem, PlanItem.id == Grant.plan_item_id)
                                .join(ReintegrationPlan, ReintegrationPlan.id == PlanItem.plan_id)).all()
    assert linked and all(a == b and n is not None for a, b, n in linked)
    referrals = db.session.scalars(select(Referral)).all()
    assert referrals and all(r.consent_on <= r.sent_on for r in referrals)
    assert db.session.scalar(select(func.count()).select_from(CaseNote)) > 200
    # Closed cases have no open task; the newest arrivals still wait for their plan.
    open_on_closed = db.session.scalar(select(func.count()).select_from(Task).join(Case)
                                       .where(Task.status == TaskStatus.OPEN, Case.status == CaseStatus.CLOSED))
    assert open_on_closed == 0
    assert db.session.scalar(select(func.count()).select_from(Task)
                             .where(Task.status == TaskStatus.OPEN, Task.origin_kind == "plan_due")) >= 2
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0 and db.session.scalar(select(func.count()).select_from(ReintegrationPlan)) == len(plans)


def test_demo_notes_referrals_and_closures_are_dated_within_their_cases(app, demo_office):
    """Nothing before the arrival or after today; a closed case's work is finished and its closure dated
    after its last event (payment, note, referral, visit, survey), not on the day the demo was loaded."""
    today = date.today()
    arrival = dict(db.session.execute(select(Case.id, Case.arrival_date)).all())
    for case_id, noted_on in db.session.execute(select(CaseNote.case_id, CaseNote.noted_on)):
        assert arrival[case_id] <= noted_on <= today
    for case_id, target in db.session.execute(select(ReintegrationPlan.case_id, PlanItem.target_date)
                                              .join(PlanItem, PlanItem.plan_id == ReintegrationPlan.id)
                                              .where(PlanItem.target_date.is_not(None))):
        assert target >= arrival[case_id]
    for referral in db.session.scalars(select(Referral)):
        assert arrival[referral.case_id] <= referral.sent_on <= (referral.answered_on or today) <= today

    last: dict[int, date] = {}
    for stmt in (select(Grant.case_id, func.max(Disbursement.paid_on)).join(Disbursement).group_by(Grant.case_id),
                 select(CaseNote.case_id, func.max(CaseNote.noted_on)).group_by(CaseNote.case_id),
                 select(Referral.case_id, func.max(Referral.answered_on)).group_by(Referral.case_id),
                 select(MonitoringVisit.case_id, func.max(MonitoringVisit.visited_on)).group_by(MonitoringVisit.case_id),
                 select(SurveyResponse.case_id, func.max(SurveyResponse.taken_on)).group_by(SurveyResponse.case_id)):
        for case_id, day in db.session.execute(stmt):
            if day is not None:
                last[case_id] = max(last.get(case_id, day), day)
    closures = db.session.scalars(select(CaseClosure).where(CaseClosure.kind == ClosureKind.CLOSED)).all()
    closed = set(db.session.scalars(select(Case.id).where(Case.status == CaseStatus.CLOSED)))
    assert {c.case_id for c in closures} == closed and len(closures) > 200
    for closure in closures:
        assert arrival[closure.case_id] < closure.on_date < today
        assert closure.on_date > last.get(closure.case_id, arrival[closure.case_id])
    assert len({c.on_date.year for c in closures}) >= 8  # over the programmes' years
    statuses = db.session.scalars(select(PlanItem.status).join(ReintegrationPlan)
                                  .where(ReintegrationPlan.case_id.in_(closed))).all()
    assert statuses and set(statuses) <= {ItemStatus.DONE, ItemStatus.DROPPED}
    referral_statuses = {r.status.value for r in db.session.scalars(select(Referral).where(Referral.case_id.in_(closed)))}
    assert "accepted" not in referral_statuses and "done" in referral_statuses
