"""Referral screens (under each plan item) and the administrator's list of service providers."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from casework.auth.models import Role
from casework.auth.permissions import CASE_ROLES, can_edit_case, roles_required
from casework.cases.queries import get_case_or_404
from casework.extensions import db
from casework.forms import int_or_none, save, save_and_flash
from casework.loading import allowed_or_403, found_or_404, load_or_404
from casework.referrals import services
from casework.referrals.forms import AnswerForm, ProviderForm, ReferralForm
from casework.referrals.labels import PROVIDER_TYPE_LABELS, REFERRAL_STATUS_LABELS
from casework.referrals.models import Referral, ServiceProvider

bp = Blueprint("referrals", __name__)
LABELS = {"provider_type_labels": PROVIDER_TYPE_LABELS, "referral_status_labels": REFERRAL_STATUS_LABELS}


def _referral_form(case, formdata=None) -> ReferralForm:
    form = ReferralForm(formdata=formdata)
    form.provider_id.choices = [(p.id, f"{p.name} ({p.municipality})" if p.municipality else p.name)
                                for p in services.active_providers()]
    form.consent_person_id.choices = [(p.id, p.full_name) for p in case.persons]
    if formdata is None:
        form.consent_person_id.data = case.principal.id if case.principal else None
        form.consent_on.data = form.sent_on.data = date.today().isoformat()
    return form


@bp.route("/cases/<int:case_id>/plan/items/<int:item_id>/referrals", methods=["POST"])
@roles_required(*CASE_ROLES)
def send(case_id: int, item_id: int):
    from casework.plans.services import plan_of

    case = get_case_or_404(case_id, current_user)
    allowed_or_403(can_edit_case(current_user, case))
    plan = plan_of(case)
    item = found_or_404(next((i for i in (plan.items if plan else []) if i.id == item_id), None))
    form = _referral_form(case, formdata=request.form)
    if form.validate_on_submit():
        provider = db.session.get(ServiceProvider, form.provider_id.data)
        save_and_flash(lambda: services.send_referral(
            item, provider, consent=form.consent.data, consent_on=form.consent_on.date,
            consent_person_id=form.consent_person_id.data or None, sent_on=form.sent_on.date, actor=current_user),
            _("Referral sent to %(name)s.", name=provider.name if provider else ""))
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return redirect(url_for("plans.detail", case_id=case.id, _anchor=f"item-{item.id}"))


@bp.route("/cases/<int:case_id>/referrals/<int:referral_id>/answer", methods=["POST"])
@roles_required(*CASE_ROLES)
def answer(case_id: int, referral_id: int):
    case = get_case_or_404(case_id, current_user)
    allowed_or_403(can_edit_case(current_user, case))
    referral = load_or_404(Referral, referral_id, may_see=lambda r: r.case_id == case.id)
    form = AnswerForm()
    if form.validate_on_submit():
        save_and_flash(lambda: services.answer_referral(referral, form.status.data, form.on_date.date,
                                                        form.feedback.data, actor=current_user,
                                                        expected_version=int_or_none(form.version.data)),
                       _("The provider's answer is recorded."))
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return redirect(url_for("plans.detail", case_id=case.id, _anchor=f"item-{referral.plan_item_id}"))


def item_section(item) -> Markup:
    from casework.plans.models import ProviderKind

    referrals = services.referrals_of_items([item.id]).get(item.id, [])
    if item.provider_kind != ProviderKind.REFERRAL and not referrals:
        return Markup("")
    case = item.plan.case
    can_edit = can_edit_case(current_user, case)
    return Markup(render_template("referrals/_item_section.html", item=item, case=case, referrals=referrals,
                                  can_edit=can_edit, form=_referral_form(case) if can_edit else None,
                                  answer_form=AnswerForm(formdata=None, on_date=date.today().isoformat()),
                                  **LABELS))


# --- the administrator's list of providers ------------------------------------------

def _provider_values(form) -> dict:
    return {"name": form.name.data, "provider_type": form.provider_type.data, "municipality": form.municipality.data,
            "services": form.services.data, "contact": form.contact.data, "is_active": form.is_active.data}


@bp.route("/admin/providers", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def providers():
    form = ProviderForm()
    if form.validate_on_submit():
        provider, error = save(form, lambda: services.create_provider(_provider_values(form), actor=current_user))
        if error is None:
            flash(_("Provider %(name)s added.", name=provider.name), "success")
            return redirect(url_for("referrals.providers"))
    rows = db.session.query(ServiceProvider).order_by(ServiceProvider.name).all()
    status = 422 if request.method == "POST" else 200
    return render_template("referrals/providers.html", form=form, providers=rows, **LABELS), status


@bp.route("/admin/providers/<int:provider_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_provider(provider_id: int):
    provider = load_or_404(ServiceProvider, provider_id)
    form = ProviderForm(obj=provider if request.method == "GET" else None)
    if request.method == "GET":
        form.provider_type.data = provider.provider_type.value
    elif form.validate_on_submit():
        _saved, error = save(form, lambda: services.update_provider(provider, _provider_values(form),
                                                                    actor=current_user))
        if error is None:
            flash(_("Provider %(name)s saved.", name=provider.name), "success")
            return redirect(url_for("referrals.providers"))
    status = 422 if request.method == "POST" else 200
    return render_template("referrals/provider_form.html", form=form, provider=provider, **LABELS), status


def init_app(app):
    app.register_blueprint(bp)
    app.extensions.setdefault("plan_item_sections", []).append(item_section)
    app.extensions["nav"].append(("referrals.providers", _l("Service providers"), (Role.ADMIN,)))
