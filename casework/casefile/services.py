"""What the printed case file holds (monitoring visits among it), and rendering it. Sensitive notes are
never included."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casework.db import utcnow
from casework.extensions import db


def case_file_data(case) -> dict:
    from casework.closures.services import latest_closure
    from casework.grants.models import Disbursement, Grant, GrantDecision
    from casework.monitoring.labels import KIND_LABELS, USE_LABELS
    from casework.monitoring.services import visits_of
    from casework.notes.services import notes_of
    from casework.plans.services import grants_by_item, plan_of
    from casework.referrals.services import referrals_of_items

    plan = plan_of(case)
    grants = db.session.scalars(select(Grant).where(Grant.case_id == case.id).order_by(Grant.id).options(
        selectinload(Grant.person),
        selectinload(Grant.decisions).joinedload(GrantDecision.decided_by),
        selectinload(Grant.disbursements).joinedload(Disbursement.recorded_by))).all()
    return {
        "case": case,
        "plan": plan,
        "referrals": referrals_of_items([i.id for i in plan.items]) if plan else {},
        "grants_by_item": grants_by_item(plan) if plan else {},
        "grants": grants,
        "notes": notes_of(case, include_sensitive=False),
        "visits": visits_of(case),
        "visit_kind_labels": KIND_LABELS,
        "grant_use_labels": USE_LABELS,
        "closure": latest_closure(case),
    }


def render_case_file(case, printed_by) -> bytes:
    from flask import current_app
    from weasyprint import HTML

    from casework.casefile.labels import context

    html = current_app.jinja_env.get_template("casefile/pdf.html").render(
        printed_by=printed_by, now=utcnow(), **context(), **case_file_data(case))
    return HTML(string=html).write_pdf()
