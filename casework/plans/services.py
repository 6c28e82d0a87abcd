"""The rules for reintegration plans: writing items, submitting, approving, new versions.

Separation of duties follows the grants: whoever drafted or submitted a version never approves
it. Item progress (in progress, done, dropped) is recorded on the plan in force; any other
change to an approved plan starts its next version, the approved one kept as it was.
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from casework.audit.services import diff, record
from casework.auth.models import Role
from casework.db import MoneyError, to_money, utcnow, written
from casework.errors import Conflict, DomainError, NotAllowed
from casework.extensions import db
from casework.plans import workflow
from casework.plans.models import (
    DIMENSION_OF,
    ItemStatus,
    ItemType,
    PlanItem,
    PlanStatus,
    PlanVersion,
    ProviderKind,
    ReintegrationPlan,
)
from casework.tasks import rules

ITEM_FIELDS = ("person_id", "dimension", "item_type", "goal", "baseline", "provider_kind", "estimated_cost",
               "target_date")


def plan_of(case) -> ReintegrationPlan | None:
    """The case's plan (one per case) with its items, in one statement."""
    stmt = (select(ReintegrationPlan).where(ReintegrationPlan.case_id == case.id)
            .options(joinedload(ReintegrationPlan.items).selectinload(PlanItem.person)))
    return db.session.scalars(stmt).unique().one_or_none()


def _check_version(plan: ReintegrationPlan, expected_version: int | None) -> None:
    if expected_version is not None and plan.version != expected_version:
        raise Conflict(_("Someone else changed this plan since you opened it. "
                         "Nothing was saved; reload the page and try again."))


def _writer(actor) -> None:
    if actor is not None and not workflow.role_may("edit", actor.role):
        raise NotAllowed(_("Only caseworkers, supervisors and administrators write plans."))


def _audit(action: str, plan: ReintegrationPlan, actor, changes=None, summary: str = "", at=None) -> None:
    event = record(action, user=actor, entity=plan, programme_id=plan.case.programme_id, changes=changes,
                   summary=(f"{plan.case.reference} v{plan.number} {summary}").strip())
    if at is not None:
        event.at = at


def _open_for_edit(plan: ReintegrationPlan, actor, at=None) -> None:
    """A change to an approved plan starts its next version; a submitted plan is not changed."""
    workflow.check("edit", plan.status)
    if plan.status == PlanStatus.APPROVED:
        plan.number += 1
        plan.status = PlanStatus.DRAFT
        plan.drafted_by_id = actor.id if actor else None
        plan.submitted_by_id = plan.submitted_at = None
        _audit("plan_version_started", plan, actor, at=at)


def _clean_item(case, values: dict) -> dict:
    out = {}
    try:
        out["item_type"] = ItemType(values.get("item_type"))
    except ValueError:
        raise DomainError(_("Choose the type of assistance."), "item_type") from None
    out["dimension"] = DIMENSION_OF[out["item_type"]]
    person_id = values.get("person_id") or None
    if person_id is not None and not any(p.id == person_id for p in case.persons):
        raise DomainError(_("Choose a member of this case, or the whole family."), "person_id")
    out["person_id"] = person_id
    out["goal"] = (values.get("goal") or "").strip()
    if not out["goal"]:
        raise DomainError(_("Write the goal of this item."), "goal")
    out["baseline"] = (values.get("baseline") or "").strip()
    try:
        out["provider_kind"] = ProviderKind(values.get("provider_kind"))
    except ValueError:
        raise DomainError(_("Choose who provides it: the office or a service provider."), "provider_kind") from None
    cost = values.get("estimated_cost")
    if cost in (None, ""):
        out["estimated_cost"] = None
    else:
        try:
            out["estimated_cost"] = to_money(cost)
        except MoneyError:
            raise DomainError(_("Enter an amount like 1500 or 1500.50, with at most two decimals."),
                              "estimated_cost") from None
        if out["estimated_cost"] < 0:
            raise DomainError(_("The estimated cost cannot be negative."), "estimated_cost")
    out["target_date"] = values.get("target_date")
    return out


def add_item(case, values: dict, actor=None, expected_version: int | None = None, at: datetime | None = None
             ) -> PlanItem:
    """Add an item to the case's plan (creating the plan with its first item)."""
    _writer(actor)
    clean = _clean_item(case, values)
    plan = plan_of(case)
    if plan is None:
        plan = ReintegrationPlan(case_id=case.id, case=case, drafted_by_id=actor.id if actor else None)
        db.session.add(plan)
        db.session.flush()
        _audit("plan_created", plan, actor, at=at)
    else:
        _check_version(plan, expected_version)
        _open_for_edit(plan, actor, at)
    item = PlanItem(**clean)
    plan.items.append(item)
    plan.updated_at = utcnow()
    db.session.flush()
    _audit("plan_item_added", plan, actor, changes={"item": item.id, **clean}, at=at)
    rules.plan_item_target(item, actor)
    return item


def update_item(item: PlanItem, values: dict, actor=None, expected_version: int | None = None) -> dict:
    _writer(actor)
    plan = item.plan
    _check_version(plan, expected_version)
    clean = _clean_item(plan.case, values)
    before = {k: getattr(item, k) for k in clean}
    changes = diff(before, clean)
    if not changes:
        return {}
    _open_for_edit(plan, actor)
    for key, value in clean.items():
        setattr(item, key, value)
    item.approved_number = None
    plan.updated_at = utcnow()
    db.session.flush()
    _audit("plan_item_updated", plan, actor, changes={"item": [item.id, item.id], **changes})
    rules.plan_item_target(item, actor)
    return changes


def remove_item(item: PlanItem, actor=None, expected_version: int | None = None) -> None:
    """Only an item never approved can be removed; an approved one is dropped, with a reason."""
    _writer(actor)
    plan = item.plan
    _check_version(plan, expected_version)
    workflow.check("edit", plan.status)
    if item.approved_number is not None or any(v for v in plan.versions
                                               if any(i.get("id") == item.id for i in v.items)):
        raise DomainError(_("This item was approved: mark it dropped, with the reason, instead."), "item")
    from casework.referrals.services import remove_referrals_of_item

    remove_referrals_of_item(plan.case_id, item.id)  # its referrals go with it
    plan.items.remove(item)
    plan.updated_at = utcnow()
    db.session.flush()
    _audit("plan_item_removed", plan, actor, changes={"item": item.id})


STATUS_STEPS = {
    ItemStatus.PLANNED: (ItemStatus.IN_PROGRESS, ItemStatus.DONE, ItemStatus.DROPPED),
    ItemStatus.IN_PROGRESS: (ItemStatus.DONE, ItemStatus.DROPPED, ItemStatus.PLANNED),
    ItemStatus.DONE: (ItemStatus.IN_PROGRESS,),
    ItemStatus.DROPPED: (ItemStatus.PLANNED,),
}


def set_item_status(item: PlanItem, status, reason: str = "", actor=None, at: datetime | None = None) -> None:
    """Record an item's progress. Dropping needs a reason. Progress is recorded on an approved item."""
    _writer(actor)
    try:
        status = ItemStatus(status)
    except ValueError:
        raise DomainError(_("Choose the item's status."), "status") from None
    if status not in STATUS_STEPS[item.status]:
        raise DomainError(_("An item that is %(old)s cannot become %(new)s.", old=_(item.status.value),
                            new=_(status.value)), "status")
    if status in (ItemStatus.IN_PROGRESS, ItemStatus.DONE) and item.approved_number is None:
        raise DomainError(_("The plan must be approved before work on this item is recorded."), "status")
    reason = (reason or "").strip()
    if status == ItemStatus.DROPPED and not reason:
        raise DomainError(_("Say why the item is dropped."), "reason")
    old = item.status
    item.status = status
    item.drop_reason = reason if status == ItemStatus.DROPPED else ""
    item.updated_at = utcnow()
    db.session.flush()
    _audit("plan_item_status_changed", item.plan, actor,
           changes={"item": [item.id, item.id], "status": [old.value, status.value],
                    **({"reason": [None, reason]} if reason else {})}, at=at)
    rules.plan_item_target(item, actor)


def submit_plan(plan: ReintegrationPlan, actor=None, expected_version: int | None = None,
                at: datetime | None = None) -> None:
    workflow.check("submit", plan.status)
    if actor is not None and not workflow.role_may("submit", actor.role):
        raise NotAllowed(_("Only caseworkers, supervisors and administrators submit plans."))
    _check_version(plan, expected_version)
    if not [i for i in plan.items if i.status != ItemStatus.DROPPED]:
        raise DomainError(_("A plan needs at least one item before it is submitted."), "plan")
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_by_id = actor.id if actor else None
    plan.submitted_at = at or utcnow()
    db.session.flush()
    _audit("plan_submitted", plan, actor, at=at)


def approval_refusal(user, plan: ReintegrationPlan) -> str | None:
    """Why this user may not approve this plan now (None if they may)."""
    if user is None or not workflow.role_may("approve", user.role):
        return _("Only a supervisor approves plans.")
    if user.role != Role.ADMIN and plan.case.programme_id not in [p.id for p in user.programmes]:
        return _("You do not work on this plan's programme.")
    if user.id in (plan.drafted_by_id, plan.submitted_by_id):
        return _("You wrote or submitted this version of the plan, so another supervisor must approve it.")
    return None


def can_approve(user, plan: ReintegrationPlan | None) -> bool:
    return plan is not None and plan.status == PlanStatus.SUBMITTED and approval_refusal(user, plan) is None


def _snapshot(plan: ReintegrationPlan) -> list[dict]:
    return [{"id": i.id, "person": i.person.full_name if i.person else None, "dimension": i.dimension.value,
             "item_type": i.item_type.value, "goal": i.goal, "baseline": i.baseline,
             "provider_kind": i.provider_kind.value,
             "estimated_cost": str(i.estimated_cost) if i.estimated_cost is not None else None,
             "target_date": i.target_date.isoformat() if i.target_date else None, "status": i.status.value,
             "drop_reason": i.drop_reason} for i in plan.items]


def decide_plan(plan: ReintegrationPlan, actor, outcome: str, reason: str = "",
                expected_version: int | None = None, at: datetime | None = None) -> None:
    """Approve a submitted plan (keeping this version as approved) or send it back to its writer."""
    action = {"approved": "approve", "sent_back": "send_back"}.get(outcome)
    if action is None:
        raise DomainError(_("Choose approve or send back."), "outcome")
    workflow.check(action, plan.status)
    refusal = approval_refusal(actor, plan)
    if refusal:
        raise NotAllowed(refusal)
    _check_version(plan, expected_version)
    reason = (reason or "").strip()
    at = at or utcnow()
    if action == "send_back":
        if not reason:
            raise DomainError(_("Say what should change in the plan."), "reason")
        plan.status = PlanStatus.DRAFT
        db.session.flush()
        _audit("plan_sent_back", plan, actor, summary=reason[:200], at=at)
        return
    plan.status = PlanStatus.APPROVED
    plan.approved_number = plan.number
    plan.approved_at = at
    from casework.cases.models import Case
    from casework.cases.services import keep_on_case

    keep_on_case(plan.case_id, Case.plan_approved_at.is_(None), plan_approved_at=at)  # its first approval
    for item in plan.items:
        item.approved_number = plan.number
        if item.first_approved_at is None:
            item.first_approved_at = at
    db.session.add(PlanVersion(plan_id=plan.id, number=plan.number, items=_snapshot(plan),
                               currency=plan.case.programme.currency, submitted_by_id=plan.submitted_by_id,
                               submitted_at=plan.submitted_at, approved_by_id=actor.id, approved_at=at))
    db.session.flush()
    _audit("plan_approved", plan, actor, summary=reason[:200], at=at)
    rules.close_origin_tasks("plan_due", plan.case_id, actor)


def version_of(plan: ReintegrationPlan, number: int) -> PlanVersion | None:
    return next((v for v in plan.versions if v.number == number), None)


def link_grant(grant, item: PlanItem, actor=None) -> None:
    """Fund an approved plan item with a grant of the same case (a grant funds one item)."""
    _writer(actor)
    if item.plan.case_id != grant.case_id:
        raise DomainError(_("The grant and the plan item belong to different cases."), "grant_id")
    if not item.is_approved:
        raise DomainError(_("Only an item of the approved plan can be funded by a grant."), "grant_id")
    from casework.grants.models import GrantStatus

    if grant.status in (GrantStatus.REJECTED, GrantStatus.CANCELLED):
        raise DomainError(_("A rejected or cancelled grant funds nothing."), "grant_id")
    old = grant.plan_item_id
    grant.plan_item_id = item.id
    db.session.flush()
    record("grant_linked_to_plan_item", user=actor, entity=grant, programme_id=item.plan.case.programme_id,
           changes={"plan_item": [old, item.id]}, summary=item.plan.case.reference)


def grants_by_item(plan: ReintegrationPlan) -> dict[int, list]:
    from casework.grants.models import Grant

    ids = [i.id for i in plan.items]
    grants = db.session.scalars(select(Grant).where(Grant.plan_item_id.in_(ids or [-1])).order_by(Grant.id))
    out: dict[int, list] = {}
    for grant in grants:
        out.setdefault(grant.plan_item_id, []).append(grant)
    return out


def plans_awaiting(user, limit: int | None = None):
    """Submitted plans of the user's programmes that this user may approve."""
    from casework.cases.models import Case

    if user.role not in workflow.APPROVERS:
        return select(ReintegrationPlan).where(False)
    ids = [p.id for p in user.programmes]
    return (select(ReintegrationPlan).join(Case, Case.id == ReintegrationPlan.case_id)
            .where(ReintegrationPlan.status == written(ReintegrationPlan.status, PlanStatus.SUBMITTED),
                   Case.programme_id.in_(ids or [-1]))
            .where((ReintegrationPlan.drafted_by_id.is_(None)) | (ReintegrationPlan.drafted_by_id != user.id))
            .where((ReintegrationPlan.submitted_by_id.is_(None)) | (ReintegrationPlan.submitted_by_id != user.id))
            .order_by(ReintegrationPlan.submitted_at, ReintegrationPlan.id).limit(limit))


def check_grant_may_be_submitted(grant) -> None:
    """A programme may require each grant to fund an approved plan item before it is submitted."""
    if grant.case.programme.plan_item_required and grant.plan_item_id is None:
        raise DomainError(_("This programme requires the grant to fund an item of the approved "
                            "reintegration plan: link it to an item on the plan page first."), "plan_item")


def plan_due_on(case) -> date | None:
    """The day the plan is due: N days after arrival (the programme's setting, 30 by default)."""
    from datetime import timedelta

    if case.arrival_date is None:
        return None
    return case.arrival_date + timedelta(days=case.programme.plan_due_days)
