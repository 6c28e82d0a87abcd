"""Grant screens: proposing on the case page, the grant page, decisions, payments, the queue."""
from __future__ import annotations

from datetime import UTC, datetime, time

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from casework.audit.models import AuditEvent
from casework.auth.models import Role
from casework.auth.permissions import (
    CASE_ROLES,
    can_edit_case,
    programme_filter,
    programmes_for,
    roles_required,
)
from casework.cases.models import Case
from casework.cases.queries import get_case_or_404
from casework.cases.tabs import add_case_tab
from casework.documents.forms import upload_from
from casework.documents.services import documents_of_grant, missing_before_submit, requirements_of
from casework.errors import Conflict, NotAllowed
from casework.extensions import db
from casework.forms import error_status, int_or_none, save, save_and_flash
from casework.grants import services, workflow
from casework.grants.forms import (
    CATEGORY_LABELS,
    MODE_LABELS,
    OUTCOME_LABELS,
    ActionForm,
    CancelForm,
    DecisionForm,
    DisbursementForm,
    GrantFilterForm,
    GrantForm,
    ReversalForm,
)
from casework.grants.models import (
    DecisionStep,
    Disbursement,
    Grant,
    GrantCategory,
    GrantDecision,
    GrantStatus,
)
from casework.grants.workflow import STATUS_LABELS
from casework.i18n import translated
from casework.loading import allowed_or_403, found_or_404, load_or_404
from casework.pagination import filter_args, keyset_page, paging

bp = Blueprint("grants", __name__)
QUEUE_PER_PAGE = 50
GRANT_LIST_PER_PAGE = 50
LABELS = {"status_labels": STATUS_LABELS, "category_labels": CATEGORY_LABELS, "outcome_labels": OUTCOME_LABELS,
          "mode_labels": MODE_LABELS}


def get_grant_or_404(grant_id: int) -> Grant:
    # Decisions and payments with their authors in two queries, whatever their number.
    grant = load_or_404(Grant, grant_id, options=[
        selectinload(Grant.decisions).joinedload(GrantDecision.decided_by),
        selectinload(Grant.disbursements).joinedload(Disbursement.recorded_by),
    ])
    get_case_or_404(grant.case_id, current_user)
    return grant


def _editable(grant: Grant) -> Grant:
    allowed_or_403(can_edit_case(current_user, grant.case))
    return grant



def _person_choices(case):
    return [(0, _("The whole family"))] + [(p.id, p.full_name) for p in case.persons]


def _grant_values(form: GrantForm) -> dict:
    return {"category": form.category.data, "person_id": form.person_id.data or None, "plan": form.plan.data,
            "requested_amount": form.requested_amount.data}


@bp.route("/cases/<int:case_id>/grants/new", methods=["GET", "POST"])
@roles_required(*CASE_ROLES)
def new(case_id: int):
    case = get_case_or_404(case_id, current_user)
    allowed_or_403(can_edit_case(current_user, case))
    form = GrantForm()
    form.person_id.choices = _person_choices(case)
    if form.validate_on_submit():
        grant, error = save(form, lambda: services.create_grant(case, _grant_values(form), actor=current_user))
        if error is None:
            flash(_("Grant proposed as a draft; submit it when it is ready."), "success")
            return redirect(url_for("grants.detail", grant_id=grant.id))
    status = 422 if request.method == "POST" else 200
    return render_template("grants/form.html", form=form, case=case, grant=None, **LABELS), status


@bp.route("/grants/<int:grant_id>/edit", methods=["GET", "POST"])
@roles_required(*CASE_ROLES)
def edit(grant_id: int):
    grant = _editable(get_grant_or_404(grant_id))
    if request.method == "GET":
        form = GrantForm(category=grant.category.value, person_id=grant.person_id or 0, plan=grant.plan,
                         requested_amount=str(grant.requested_amount), version=grant.version)
    else:
        form = GrantForm()
    form.person_id.choices = _person_choices(grant.case)
    error = None
    if form.validate_on_submit():
        saved, error = save(form, lambda: services.update_grant(grant, _grant_values(form), actor=current_user,
                                                            expected_version=int_or_none(form.version.data)))
        if error is None:
            flash(_("Grant saved."), "success")
            return redirect(url_for("grants.detail", grant_id=grant.id))
    status = error_status(error) if request.method == "POST" else 200
    return render_template("grants/form.html", form=form, case=grant.case, grant=grant,
                           conflict=isinstance(error, Conflict), **LABELS), status


def timeline(grant: Grant):
    stmt = (select(AuditEvent)
            .where(AuditEvent.entity_type == "grants", AuditEvent.entity_id == grant.id)
            .order_by(AuditEvent.at.asc(), AuditEvent.id.asc()))
    return db.session.scalars(stmt).all()


def _detail(grant: Grant, disbursement_form=None, cancel_form=None, reversal_form=None, status: int = 200):
    disbursement_form = disbursement_form or DisbursementForm(version=grant.version)
    cancel_form = cancel_form or CancelForm(version=grant.version)
    paid = services.paid_total(grant)
    reversible = services.reversible_payment_ids(current_user, grant) if can_edit_case(current_user, grant.case) else set()
    return render_template(
        "grants/detail.html", grant=grant, case=grant.case, currency=grant.case.programme.currency,
        events=timeline(grant), paid=paid, action_form=ActionForm(version=grant.version),
        beneficiaries={p.id: p.full_name for p in grant.case.persons},
        disbursement_form=disbursement_form, cancel_form=cancel_form,
        reversal_form=reversal_form or ReversalForm(), reversible=reversible,
        reversed_ids=services.reversed_payment_ids(grant),
        can_edit=can_edit_case(current_user, grant.case), can_decide=services.can_decide(current_user, grant),
        refusal=(services.decision_refusal(current_user, grant)
                 if services.current_step(grant) and current_user.role in workflow.DECIDERS else None),
        next_deciders=services.eligible_deciders(grant) if services.current_step(grant) else None,
        actions=workflow.actions_from(grant.status), document_requirements=requirements_of(grant.case.programme),
        missing_document=missing_before_submit(grant) if grant.status == GrantStatus.DRAFT else None,
        documents=documents_of_grant(grant),
        extra_sections=[render(grant) for render in current_app.extensions.get("grant_page_sections", [])],
        **LABELS), status


@bp.route("/grants/<int:grant_id>")
@roles_required(*CASE_ROLES)
def detail(grant_id: int):
    return _detail(get_grant_or_404(grant_id))


@bp.route("/grants/<int:grant_id>/submit", methods=["POST"])
@roles_required(*CASE_ROLES)
def submit(grant_id: int):
    grant = _editable(get_grant_or_404(grant_id))
    form = ActionForm()
    if form.validate_on_submit():
        save_and_flash(lambda: services.submit_grant(grant, actor=current_user,
                                                     expected_version=int_or_none(form.version.data)),
                       _("Grant submitted for the supervisor's decision."))
    return redirect(url_for("grants.detail", grant_id=grant.id))


@bp.route("/grants/<int:grant_id>/cancel", methods=["POST"])
@roles_required(*CASE_ROLES)
def cancel(grant_id: int):
    grant = _editable(get_grant_or_404(grant_id))
    form = CancelForm()
    if not form.validate_on_submit():
        return _detail(grant, cancel_form=form, status=422)
    saved, error = save(form, lambda: services.cancel_grant(grant, form.reason.data, actor=current_user,
                                                        expected_version=int_or_none(form.version.data)))
    if error is not None:
        return _detail(db.session.get(Grant, grant_id), cancel_form=form, status=error_status(error))
    flash(_("Grant cancelled."), "success")
    return redirect(url_for("grants.detail", grant_id=grant.id))


@bp.route("/grants/<int:grant_id>/decide", methods=["GET", "POST"])
@roles_required(Role.SUPERVISOR, Role.ADMIN)
def decide(grant_id: int):
    grant = get_grant_or_404(grant_id)
    step = services.current_step(grant)
    if step is None:
        flash(_("This grant is not awaiting a decision."), "error")
        return redirect(url_for("grants.detail", grant_id=grant.id))
    refusal = services.decision_refusal(current_user, grant)
    if refusal:
        raise NotAllowed(refusal)
    form = DecisionForm() if request.method == "POST" else DecisionForm(version=grant.version)
    error = None
    if form.validate_on_submit():
        saved, error = save(form, lambda: services.decide(
            grant, current_user, form.outcome.data, amount=form.amount.data, reason=form.reason.data,
            authority_reference=form.authority_reference.data, authority_letter_date=form.authority_letter_date.date,
            expected_version=int_or_none(form.version.data), letter=upload_from(form.letter)))
        if error is None:
            flash(_("Decision recorded."), "success")
            return redirect(url_for("grants.detail", grant_id=grant_id))
        grant = db.session.get(Grant, grant_id)
    status = error_status(error) if request.method == "POST" else 200
    return render_template("grants/decide.html", form=form, grant=grant, case=grant.case,
                           conflict=isinstance(error, Conflict),
                           donor_step=step == DecisionStep.DONOR, proposed=services.proposed_amount(grant),
                           document_requirements=requirements_of(grant.case.programme),
                           dead_end=services.dead_end_warning(current_user, grant),
                           currency=grant.case.programme.currency,
                           remaining=services.budget_remaining(grant.case.programme), **LABELS), status


@bp.route("/grants/<int:grant_id>/disburse", methods=["POST"])
@roles_required(*CASE_ROLES)
def disburse(grant_id: int):
    grant = _editable(get_grant_or_404(grant_id))
    form = DisbursementForm()
    if not form.validate_on_submit():
        return _detail(grant, disbursement_form=form, status=422)
    saved, error = save(form, lambda: services.record_disbursement(
        grant, current_user, paid_on=form.paid_on.date, amount=form.amount.data, mode=form.mode.data,
        receipt_reference=form.receipt_reference.data, receipt=upload_from(form.receipt)))
    if error is not None:
        return _detail(db.session.get(Grant, grant_id), disbursement_form=form, status=error_status(error))
    grant = db.session.get(Grant, grant_id)
    if grant.status == GrantStatus.COMPLETED:
        flash(_("Payment recorded; the grant is fully paid and completed."), "success")
    else:
        flash(_("Payment recorded."), "success")
    return redirect(url_for("grants.detail", grant_id=grant_id))


@bp.route("/grants/<int:grant_id>/payments/<int:payment_id>/reverse", methods=["POST"])
@roles_required(*CASE_ROLES)
def reverse_payment(grant_id: int, payment_id: int):
    grant = _editable(get_grant_or_404(grant_id))
    payment = found_or_404(next((p for p in grant.disbursements if p.id == payment_id), None))
    form = ReversalForm()
    if not form.validate_on_submit():
        return _detail(grant, reversal_form=form, status=422)
    _saved, error = save(form, lambda: services.reverse_disbursement(
        payment, current_user, form.reason.data, reversed_on=form.reversed_on.date))
    if error is not None:
        return _detail(db.session.get(Grant, grant_id), reversal_form=form, status=error_status(error))
    flash(_("Payment reversed; the reversal is recorded beside it."), "success")
    return redirect(url_for("grants.detail", grant_id=grant_id))


@bp.route("/grants/queue")
@roles_required(Role.SUPERVISOR)
def queue():
    """The oldest submissions first, a page at a time; the heading says how many wait in all."""
    per_page = QUEUE_PER_PAGE
    page = max(1, min(int_or_none(request.args.get("page")) or 1, 10_000))
    grants = services.decision_queue(current_user, limit=per_page + 1, offset=(page - 1) * per_page)
    return render_template("grants/queue.html", grants=grants[:per_page], total=services.queue_count(current_user),
                           cap=services.QUEUE_COUNT_CAP,
                           page=page, has_next=len(grants) > per_page, **translated_labels())


@bp.route("/grants/")
@roles_required(*CASE_ROLES)
def index():
    programmes = programmes_for(current_user)
    form = GrantFilterForm(request.args)
    form.programme.choices = [("", _("All programmes"))] + [(p.code, p.code) for p in programmes]
    stmt = (select(Grant).join(Case, Case.id == Grant.case_id)
            .where(programme_filter(Case.programme_id, current_user)))
    if form.validate():
        if form.programme.data:
            stmt = stmt.where(Case.programme_id.in_([p.id for p in programmes if p.code == form.programme.data]))
        # Optional() lets a blank-looking value past the choice check: treat it as "any".
        if (form.status.data or "").strip():
            stmt = stmt.where(Grant.status == GrantStatus(form.status.data))
        if (form.category.data or "").strip():
            stmt = stmt.where(Grant.category == GrantCategory(form.category.data))
        if form.period_from.date:
            stmt = stmt.where(Grant.created_at >= datetime.combine(form.period_from.date, time.min, UTC))
        if form.period_to.date:
            stmt = stmt.where(Grant.created_at <= datetime.combine(form.period_to.date, time.max, UTC))
    # The case and programme of each row come in the same statement (no query per row).
    stmt = stmt.options(contains_eager(Grant.case).joinedload(Case.programme))
    page = keyset_page(stmt, Grant, ("created_at", "id"), descending=True, per_page=GRANT_LIST_PER_PAGE,
                       **paging(request.args))
    args = filter_args(request.args)
    return render_template("grants/index.html", form=form, page=page, args=args, **translated_labels())


def translated_labels() -> dict:
    """LABELS, and the name of a grant, translated once for the request, not once per row."""
    return {"grant_label": _("Grant %(id)s"),
            **{name: translated(labels) for name, labels in LABELS.items()}}


def case_section(case) -> Markup:
    grants = db.session.scalars(select(Grant).where(Grant.case_id == case.id).order_by(Grant.created_at)).all()
    can_edit = can_edit_case(current_user, case)
    form = None
    if can_edit:
        form = GrantForm(formdata=None)
        form.person_id.choices = _person_choices(case)
    return Markup(render_template("grants/_case_section.html", case=case, grants=grants, can_edit=can_edit,
                                  form=form, **LABELS))


def dashboard_widget(user) -> Markup:
    if user.role != Role.SUPERVISOR:
        return Markup("")
    return Markup(render_template("grants/_dashboard_widget.html", count=services.queue_count(user),
                                  cap=services.QUEUE_COUNT_CAP))


def init_app(app):
    from casework.grants import cli, demo

    app.register_blueprint(bp)
    app.extensions["nav"].append(("grants.index", _l("Grants"), CASE_ROLES))
    app.extensions["nav"].append(("grants.queue", _l("Awaiting my decision"), (Role.SUPERVISOR,)))
    add_case_tab(app, "grants", _l("Grants"), 40, case_section)
    app.extensions["dashboard_widgets"].append(dashboard_widget)
    app.extensions["cli_groups"].append(cli.grants_cli)
    app.extensions["demo_hooks"].append(demo.add_demo_grants)

