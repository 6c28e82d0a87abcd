"""`casework demo synth` makes plans, items, referrals, notes and tasks at scale, and the pages read them."""
from __future__ import annotations

from sqlalchemy import func, select

from casework.cases.models import Case
from casework.extensions import db
from casework.notes.models import CaseNote
from casework.plans.models import PlanItem, ReintegrationPlan
from casework.referrals.models import Referral
from casework.tasks.models import Task


def test_synth_makes_the_caseworkers_day_at_scale(runner, office, client, auth):
    result = runner.invoke(args=["demo", "synth", "--cases", "300", "--seed", "3"])
    assert result.exit_code == 0, result.output
    counts = {model.__name__: db.session.scalar(select(func.count()).select_from(model))
              for model in (ReintegrationPlan, PlanItem, Referral, CaseNote, Task)}
    assert counts["ReintegrationPlan"] > 150 and counts["PlanItem"] >= counts["ReintegrationPlan"]
    assert counts["Referral"] > 10 and counts["CaseNote"] > 50 and counts["Task"] > 10
    plan = db.session.scalars(select(ReintegrationPlan).limit(1)).one()
    auth.login("admin")
    assert client.get(f"/cases/{plan.case_id}/plan").status_code == 200
    assert "Synthetic plan item" in client.get(f"/cases/{plan.case_id}").get_data(as_text=True) or \
        client.get(f"/cases/{plan.case_id}/plan").get_data(as_text=True).count("Synthetic plan item") >= 1
    assert client.get("/my-work/").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Case)) > 300
