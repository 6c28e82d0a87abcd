"""The rules for providers and referrals. A referral is sent only with the returnee's consent."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, select

from casework.audit.services import diff, record
from casework.auth.models import Role
from casework.errors import Conflict, DomainError, NotAllowed
from casework.extensions import db
from casework.referrals.models import ProviderType, Referral, ReferralStatus, ServiceProvider

R = ReferralStatus
ANSWERS = {R.SENT: (R.ACCEPTED, R.REFUSED), R.ACCEPTED: (R.DONE,)}
PROVIDER_FIELDS = ("name", "provider_type", "municipality", "services", "contact", "is_active")


def _clean_provider(values: dict) -> dict:
    out = {k: values.get(k) for k in PROVIDER_FIELDS if k in values}
    out["name"] = " ".join((out.get("name") or "").split())
    if not out["name"]:
        raise DomainError(_("Name the provider."), "name")
    try:
        out["provider_type"] = ProviderType(out.get("provider_type"))
    except ValueError:
        raise DomainError(_("Choose the kind of provider."), "provider_type") from None
    out["municipality"] = " ".join((out.get("municipality") or "").split())
    out["services"] = (out.get("services") or "").strip()
    if not out["services"]:
        raise DomainError(_("Say which services the provider offers."), "services")
    out["contact"] = (out.get("contact") or "").strip()
    out["is_active"] = bool(out.get("is_active", True))
    return out


def _admin(actor) -> None:
    if actor is not None and actor.role != Role.ADMIN:
        raise NotAllowed(_("Only an administrator keeps the list of service providers."))


def _unique(values: dict, provider_id: int | None = None) -> None:
    clash = db.session.scalar(select(ServiceProvider.id).where(
        ServiceProvider.name == values["name"], ServiceProvider.municipality == values["municipality"]))
    if clash is not None and clash != provider_id:
        raise DomainError(_("This provider is on the list already."), "name")


def create_provider(values: dict, actor=None) -> ServiceProvider:
    _admin(actor)
    clean = _clean_provider(values)
    _unique(clean)
    provider = ServiceProvider(**clean)
    db.session.add(provider)
    db.session.flush()
    record("provider_created", user=actor, entity=provider, changes=clean, summary=provider.name)
    return provider


def update_provider(provider: ServiceProvider, values: dict, actor=None) -> dict:
    _admin(actor)
    clean = _clean_provider(values)
    _unique(clean, provider.id)
    changes = diff({k: getattr(provider, k) for k in clean}, clean)
    for key, value in clean.items():
        setattr(provider, key, value)
    if changes:
        db.session.flush()
        record("provider_updated", user=actor, entity=provider, changes=changes, summary=provider.name)
    return changes


def active_providers() -> list[ServiceProvider]:
    return list(db.session.scalars(select(ServiceProvider).where(ServiceProvider.is_active)
                                   .order_by(ServiceProvider.municipality, ServiceProvider.name)))


def _count_awaiting(case_id: int, change: int) -> None:
    """The case's count of referrals awaiting an answer moves by `change`: +1 with one sent, -1
    with one answered or removed while awaiting."""
    from casework.cases.models import Case
    from casework.cases.services import keep_on_case

    if change:
        keep_on_case(case_id, referrals_awaiting=Case.referrals_awaiting + change)


def remove_referrals_of_item(case_id: int, item_id: int) -> None:
    """A plan item being removed takes its referrals with it; those awaiting an answer leave the
    case's count. The item is locked first (PostgreSQL), so that a referral being sent from it
    meanwhile is either counted here or refused, and those awaiting are counted as they are deleted,
    so that one being answered meanwhile is not taken off twice."""
    from casework.plans.models import PlanItem

    db.session.execute(select(PlanItem.id).where(PlanItem.id == item_id).with_for_update())
    removed = db.session.execute(delete(Referral).where(Referral.plan_item_id == item_id, Referral.status == R.SENT)
                                 .execution_options(synchronize_session="fetch"))
    _count_awaiting(case_id, -removed.rowcount)


def send_referral(item, provider: ServiceProvider | None, *, consent: bool, consent_on: date | None,
                  consent_person_id: int | None, sent_on: date | None = None, actor=None,
                  today: date | None = None) -> Referral:
    """Refer a plan item to a provider. Without the returnee's recorded consent nothing is sent."""
    from casework.plans.models import ItemStatus, ProviderKind

    today = today or date.today()
    case = item.plan.case
    if item.provider_kind != ProviderKind.REFERRAL:
        raise DomainError(_("This item is provided by the office; change it to a referral first."), "provider_id")
    if item.status == ItemStatus.DROPPED:
        raise DomainError(_("This item was dropped."), "provider_id")
    if provider is None or not provider.is_active:
        raise DomainError(_("Choose a service provider."), "provider_id")
    if not consent or consent_on is None:
        raise DomainError(_("Record the returnee's consent to share their data with this provider "
                            "before the referral is sent."), "consent")
    if consent_person_id is None or not any(p.id == consent_person_id for p in case.persons):
        raise DomainError(_("Say which member of the case gave their consent."), "consent_person_id")
    sent_on = sent_on or today
    if consent_on > today or sent_on > today:
        raise DomainError(_("The dates cannot be in the future."), "sent_on")
    if consent_on > sent_on:
        raise DomainError(_("The consent must be given before the referral is sent."), "consent_on")
    referral = Referral(plan_item_id=item.id, case_id=case.id, provider_id=provider.id, status=R.SENT,
                        consent_person_id=consent_person_id, consent_on=consent_on, sent_on=sent_on,
                        sent_by_id=actor.id if actor else None)
    db.session.add(referral)
    db.session.flush()
    _count_awaiting(case.id, 1)
    record("referral_sent", user=actor, entity=referral, programme_id=case.programme_id,
           changes={"provider": provider.name, "plan_item": item.id, "consent_on": consent_on, "sent_on": sent_on},
           summary=case.reference)
    return referral


def answer_referral(referral: Referral, status, on_date: date | None, feedback: str = "", actor=None,
                    expected_version: int | None = None, today: date | None = None) -> None:
    """Record the provider's answer (accepted, refused) or that the service was done, with feedback."""
    if expected_version is not None and expected_version != referral.version:
        raise Conflict(_("Someone else changed this referral since you opened it. Nothing was saved."))
    try:
        status = ReferralStatus(status)
    except ValueError:
        raise DomainError(_("Choose the provider's answer."), "status") from None
    if status not in ANSWERS.get(referral.status, ()):
        raise DomainError(_("A referral that is %(old)s cannot become %(new)s.", old=_(referral.status.value),
                            new=_(status.value)), "status")
    if on_date is None:
        raise DomainError(_("Enter the date of the answer."), "on_date")
    if on_date > (today or date.today()):
        raise DomainError(_("The date cannot be in the future."), "on_date")
    if on_date < referral.sent_on:
        raise DomainError(_("The answer cannot come before the referral was sent."), "on_date")
    old = referral.status
    referral.status = status
    _count_awaiting(referral.case_id, (status == R.SENT) - (old == R.SENT))
    if status == R.DONE:
        referral.done_on = on_date
    else:
        referral.answered_on = on_date
    feedback = (feedback or "").strip()
    if feedback:
        referral.feedback = (referral.feedback + "\n" + feedback).strip()
    db.session.flush()
    record("referral_answered", user=actor, entity=referral, programme_id=referral.case.programme_id,
           changes={"status": [old.value, status.value], "on": on_date}, summary=referral.case.reference)


def referrals_of_items(item_ids) -> dict[int, list[Referral]]:
    from sqlalchemy.orm import selectinload

    out: dict[int, list[Referral]] = {}
    stmt = (select(Referral).where(Referral.plan_item_id.in_(list(item_ids) or [-1]))
            .options(selectinload(Referral.provider), selectinload(Referral.consent_person)).order_by(Referral.id))
    for referral in db.session.scalars(stmt):
        out.setdefault(referral.plan_item_id, []).append(referral)
    return out
