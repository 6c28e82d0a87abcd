"""Whether what cases keep of their plans and referrals (Case.plan_approved_at,
Case.referrals_awaiting) agrees with the plans and referrals themselves."""
from __future__ import annotations

from sqlalchemy import func, select

from casework.cases.models import Case
from casework.extensions import db
from casework.plans.models import PlanVersion, ReintegrationPlan
from casework.referrals.models import Referral, ReferralStatus


def disagreements() -> list:
    """The cases whose kept summary differs from their plans and referrals."""
    awaiting = (select(func.count()).select_from(Referral)
                .where(Referral.case_id == Case.id, Referral.status == ReferralStatus.SENT).scalar_subquery())
    # The first approval: the earliest approved version's (a synthetic plan has none stored, and its
    # one approval is the plan's own).
    earliest_version = (select(func.min(PlanVersion.approved_at)).where(PlanVersion.plan_id == ReintegrationPlan.id)
                        .scalar_subquery())
    first_approval = (select(func.coalesce(earliest_version, ReintegrationPlan.approved_at))
                      .where(ReintegrationPlan.case_id == Case.id, ReintegrationPlan.approved_number.is_not(None))
                      .scalar_subquery())
    rows = db.session.execute(select(Case.reference, Case.referrals_awaiting, awaiting, Case.plan_approved_at,
                                     first_approval)).all()
    return [row for row in rows if row[1] != row[2] or row[3] != row[4]]
