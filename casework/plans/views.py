"""The plan page of a case: items, submission, approval, versions, and grants funding items."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from casework.auth.models import Role
from casework.auth.permissions import CASE_ROLES, can_edit_case, roles_required
from casework.cases.queries import get_case_or_404
from casework.cases.tabs import add_case_tab
from casework.documents.owners import register_owner
from casework.documents.views import owner_section
from casework.errors import Conflict
from casework.extensions import db
from casework.forms import error_status, int_or_none, save, save_and_flash
from casework.loading import allowed_or_403, found_or_404
from casework.plans import services, workflow
from casework.plans.forms import (
    ItemStatusForm,
    LinkGrantForm,
    PlanActionForm,
    PlanDecisionForm,
    PlanItemForm,
    type_choices,
)
from casework.plans.labels import DIMENSION_LABELS, ITEM_STATUS_LABELS, PROVIDER_LABELS, TYPE_LABELS
from casework.plans.models import (
    DIMENSION_TYPES,
    Dimension,
    ItemStatus,
    ItemType,
    PlanItem,
    PlanStatus,
    ProviderKind,
    ReintegrationPlan,
)

bp = Blueprint("plans", __name__)
LABELS = {"dimension_labels": DIMENSION_LABELS, "type_labels": TYPE_LABELS, "provider_labels": PROVIDER_LABELS,
          "item_status_labels": ITEM_STATUS_LABELS, "plan_status_labels": workflow.STATUS_LABELS,
          "Dimension": Dimension, "ItemType": ItemType, "ProviderKind": ProviderKind, "ItemStatus": ItemStatus}


def _editable_case(case_id: int):
    case = get_case_or_404(case_id, current_user)
    allowed_or_403(can_edit_case(current_user, case))
    return case


def _item_or_404(plan, item_id: int) -> PlanItem:
    return found_or_404(next((i for i in (plan.items if plan else []) if i.id == item_id), None))


def _item_form(case, **values) -> PlanItemForm:
    form = PlanItemForm(**values)
    form.person_id.choices = [(0, _("The whole family"))] + [(p.id, p.full_name) for p in case.persons]
    form.item_type.choices = type_choices()
    return form


def _item_values(form) -> dict:
    return {"person_id": form.person_id.data or None, "item_type": form.item_type.data, "goal": form.goal.data,
            "baseline": form.baseline.data, "provider_kind": form.provider_kind.data,
            "estimated_cost": form.estimated_cost.data, "target_date": form.target_date.date}


def _link_form(case, formdata=None):
    from sqlalchemy import select

    from casework.grants.models import Grant, GrantStatus

    grants = db.session.scalars(select(Grant).where(
        Grant.case_id == case.id, Grant.status.not_in([GrantStatus.REJECTED, GrantStatus.CANCELLED]))
        .order_by(Grant.id)).all()
    form = LinkGrantForm(formdata=formdata)
    form.grant_id.choices = [(g.id, _("Grant %(id)s", id=g.id)) for g in grants]
    return form


def _page(case, item_form=None, decision_form=None, status: int = 200, asked_dimension=None):
    plan = services.plan_of(case)
    can_edit = can_edit_case(current_user, case)
    editable = can_edit and (plan is None or workflow.allowed("edit", plan.status))
    if item_form is None and editable:
        item_form = _item_form(case, formdata=None, version=plan.version if plan else "")
    decision_form = decision_form or PlanDecisionForm(formdata=None, version=plan.version if plan else "")
    return render_template(
        "plans/detail.html", case=case, plan=plan, can_edit=can_edit, editable=editable, item_form=item_form,
        action_form=PlanActionForm(formdata=None, version=plan.version if plan else ""),
        status_form=ItemStatusForm(formdata=None), decision_form=decision_form,
        link_form=_link_form(case) if plan and can_edit else None,
        can_approve=services.can_approve(current_user, plan),
        refusal=services.approval_refusal(current_user, plan) if plan and plan.status == PlanStatus.SUBMITTED
        else None, grants_by_item=services.grants_by_item(plan) if plan else {},
        due_on=services.plan_due_on(case), item_sections=_item_sections, asked_dimension=asked_dimension,
        documents_section=owner_section(plan) if plan else None, **LABELS), status


def _item_sections(item) -> list:
    """Sections other domains add under a plan item (its referrals, for one)."""
    from flask import current_app

    return [render(item) for render in current_app.extensions.get("plan_item_sections", [])]


@bp.route("/cases/<int:case_id>/plan")
@roles_required(*CASE_ROLES)
def detail(case_id: int):
    """The plan; ?dimension=economic (and &person=<id>) opens the new item's form on that dimension's
    first type, for that member: the link from a member's lowest survey score."""
    case = get_case_or_404(case_id, current_user)
    dimension = next((d for d in Dimension if d.value == request.args.get("dimension")), None)
    if dimension is None or not can_edit_case(current_user, case):
        return _page(case)
    plan = services.plan_of(case)
    if plan is not None and not workflow.allowed("edit", plan.status):
        return _page(case)
    form = _item_form(case, formdata=None, version=plan.version if plan else "")
    form.item_type.data = DIMENSION_TYPES[dimension][0].value
    person_id = int_or_none(request.args.get("person"))
    if any(p.id == person_id for p in case.persons):
        form.person_id.data = person_id
    return _page(case, item_form=form, asked_dimension=dimension)


@bp.route("/cases/<int:case_id>/plan/items", methods=["POST"])
@roles_required(*CASE_ROLES)
def add_item(case_id: int):
    case = _editable_case(case_id)
    form = _item_form(case)
    if form.validate_on_submit():
        _item, error = save(form, lambda: services.add_item(case, _item_values(form), actor=current_user,
                                                            expected_version=int_or_none(form.version.data)))
        if error is None:
            flash(_("Item added to the plan."), "success")
            return redirect(url_for("plans.detail", case_id=case.id))
        return _page(case, item_form=form, status=error_status(error))
    return _page(case, item_form=form, status=422)


@bp.route("/cases/<int:case_id>/plan/items/<int:item_id>/edit", methods=["GET", "POST"])
@roles_required(*CASE_ROLES)
def edit_item(case_id: int, item_id: int):
    case = _editable_case(case_id)
    plan = services.plan_of(case)
    item = _item_or_404(plan, item_id)
    if request.method == "GET":
        form = _item_form(case, person_id=item.person_id or 0, item_type=item.item_type.value, goal=item.goal,
                          baseline=item.baseline, provider_kind=item.provider_kind.value,
                          estimated_cost=str(item.estimated_cost) if item.estimated_cost is not None else "",
                          target_date=item.target_date.isoformat() if item.target_date else "",
                          version=plan.version)
        return render_template("plans/item_form.html", case=case, plan=plan, item=item, form=form)
    form = _item_form(case)
    error = None
    if form.validate_on_submit():
        _saved, error = save(form, lambda: services.update_item(item, _item_values(form), actor=current_user,
                                                                expected_version=int_or_none(form.version.data)))
        if error is None:
            flash(_("Item saved."), "success")
            return redirect(url_for("plans.detail", case_id=case.id))
    return render_template("plans/item_form.html", case=case, plan=plan, item=item, form=form,
                           conflict=isinstance(error, Conflict)), error_status(error) if error else 422


def _item_for_action(case_id: int, item_id: int):
    case = _editable_case(case_id)
    return case, _item_or_404(services.plan_of(case), item_id)


@bp.route("/cases/<int:case_id>/plan/items/<int:item_id>/remove", methods=["POST"])
@roles_required(*CASE_ROLES)
def remove_item(case_id: int, item_id: int):
    case, item = _item_for_action(case_id, item_id)
    form = PlanActionForm()
    if not form.validate_on_submit():
        abort(400)
    save_and_flash(lambda: services.remove_item(item, actor=current_user,
                                                expected_version=int_or_none(form.version.data)),
                   _("Item removed."))
    return redirect(url_for("plans.detail", case_id=case.id))


@bp.route("/cases/<int:case_id>/plan/items/<int:item_id>/status", methods=["POST"])
@roles_required(*CASE_ROLES)
def item_status(case_id: int, item_id: int):
    case, item = _item_for_action(case_id, item_id)
    form = ItemStatusForm()
    if form.validate_on_submit():
        save_and_flash(lambda: services.set_item_status(item, form.status.data, form.reason.data,
                                                        actor=current_user), _("Item status saved."))
    else:
        flash(_("Choose the item's status."), "error")
    return redirect(url_for("plans.detail", case_id=case.id))


@bp.route("/cases/<int:case_id>/plan/items/<int:item_id>/grant", methods=["POST"])
@roles_required(*CASE_ROLES)
def link_grant(case_id: int, item_id: int):
    from casework.grants.models import Grant

    case, item = _item_for_action(case_id, item_id)
    form = _link_form(case, formdata=request.form)
    if form.validate_on_submit():
        grant = db.session.get(Grant, form.grant_id.data)
        save_and_flash(lambda: services.link_grant(grant, item, actor=current_user),
                       _("The grant now funds this item."))
    else:
        flash(_("Choose a grant of this case."), "error")
    return redirect(url_for("plans.detail", case_id=case.id))


@bp.route("/cases/<int:case_id>/plan/submit", methods=["POST"])
@roles_required(*CASE_ROLES)
def submit(case_id: int):
    case = _editable_case(case_id)
    plan = found_or_404(services.plan_of(case))
    form = PlanActionForm()
    if not form.validate_on_submit():
        abort(400)
    save_and_flash(lambda: services.submit_plan(plan, actor=current_user,
                                                expected_version=int_or_none(form.version.data)),
                   _("Plan submitted for a supervisor's approval."))
    return redirect(url_for("plans.detail", case_id=case.id))


@bp.route("/cases/<int:case_id>/plan/decide", methods=["POST"])
@roles_required(Role.SUPERVISOR)
def decide(case_id: int):
    case = get_case_or_404(case_id, current_user)
    plan = found_or_404(services.plan_of(case))
    form = PlanDecisionForm()
    if form.validate_on_submit():
        _done, error = save(form, lambda: services.decide_plan(plan, current_user, form.outcome.data,
                                                               form.comment.data,
                                                               expected_version=int_or_none(form.version.data)))
        if error is None:
            flash(_("Plan approved.") if form.outcome.data == "approved" else _("Plan sent back."), "success")
            return redirect(url_for("plans.detail", case_id=case.id))
        return _page(case, decision_form=form, status=error_status(error))
    return _page(case, decision_form=form, status=422)


@bp.route("/cases/<int:case_id>/plan/versions/<int:number>")
@roles_required(*CASE_ROLES)
def version(case_id: int, number: int):
    case = get_case_or_404(case_id, current_user)
    plan = found_or_404(services.plan_of(case))
    shown = found_or_404(services.version_of(plan, number))
    from decimal import Decimal

    items = [dict(i, estimated_cost=Decimal(i["estimated_cost"]) if i.get("estimated_cost") else None)
             for i in shown.items]
    return render_template("plans/version.html", case=case, plan=plan, shown=shown, items=items, **LABELS)


@bp.route("/plans/awaiting")
@roles_required(Role.SUPERVISOR)
def awaiting():
    from sqlalchemy.orm import selectinload

    stmt = services.plans_awaiting(current_user, limit=200).options(selectinload(ReintegrationPlan.case))
    plans = db.session.scalars(stmt).all()
    return render_template("plans/awaiting.html", plans=plans, **LABELS)


def case_section(case) -> Markup:
    plan = services.plan_of(case)
    return Markup(render_template("plans/_case_section.html", case=case, plan=plan,
                                  due_on=services.plan_due_on(case), **LABELS))


PLAN_LABEL = _l("Reintegration plan")


def init_app(app):
    app.register_blueprint(bp)
    # Documents on a plan (the signed agreement, for one) follow the permissions of its case.
    register_owner("plan", ReintegrationPlan, lambda plan: plan.case, PLAN_LABEL,
                   describe=lambda plan: str(PLAN_LABEL),
                   page=lambda plan: url_for("plans.detail", case_id=plan.case_id, _anchor="documents"))
    app.extensions.setdefault("plan_item_sections", [])
    add_case_tab(app, "plan", _l("Plan"), 10, case_section)
    app.extensions["nav"].append(("plans.awaiting", _l("Plans to approve"), (Role.SUPERVISOR,)))
    from casework.plans.demo import add_demo_plans

    app.extensions["demo_hooks"].append(add_demo_plans)
