"""The demo office's plans, referrals, notes and tasks: consistent with its cases and grants."""
from __future__ import annotations

from sqlalchemy import func, select

from casework.cases.models import Case, CaseStatus
from casework.extensions import db
from casework.grants.models import Grant
from casework.notes.models import CaseNote
from casework.plans.models import PlanItem, PlanStatus, PlanVersion, ReintegrationPlan
from casework.referrals.models import Referral
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
