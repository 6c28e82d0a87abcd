"""The rules for grants: proposing, submitting, deciding, paying out, cancelling.

Every change of status goes through one conditional UPDATE (expected status and version),
and every decision or payment first locks its programme, so two supervisors cannot both
decide one grant and two approvals cannot together overspend a budget.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import Integer, and_, bindparam, func, select, text, update
from sqlalchemy import case as sql_case
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.exc import StaleDataError

from casework.audit.services import diff, record
from casework.auth.models import Role
from casework.cases.models import Case
from casework.db import MoneyError, format_money, to_money, utcnow
from casework.errors import Conflict, DomainError, NotAllowed
from casework.extensions import db
from casework.grants import workflow
from casework.grants.models import (
    DecisionOutcome,
    DecisionStep,
    Disbursement,
    DisbursementMode,
    Grant,
    GrantCategory,
    GrantDecision,
    GrantStatus,
)
from casework.programmes.models import Programme

S = GrantStatus


def money(amount, currency: str) -> str:
    return format_money(amount, currency)


def _amount(value, field: str = "amount") -> Decimal:
    if value in (None, ""):
        raise DomainError(_("Enter an amount."), field)
    try:
        amount = to_money(value)
    except MoneyError:
        raise DomainError(_("Enter an amount like 1500 or 1500.50, with at most two decimals."), field) from None
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."), field)
    return amount


def _stale() -> Conflict:
    return Conflict(_("Someone else changed this grant since you opened it. "
                      "Nothing was saved; reload the page to see the current state and try again."))


def _dated(event, at: datetime | None) -> None:
    """Events of back-dated entries (legacy and demo data) carry the date of what they record."""
    if at is not None:
        event.at = at


def _check_version(grant: Grant, expected_version: int | None) -> None:
    if expected_version is not None and grant.version != expected_version:
        raise _stale()


# --- locking ---------------------------------------------------------------------------

def lock_programme(programme_id: int) -> None:
    """Serialise decisions and payments within one programme until the transaction ends."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Programme.id).where(Programme.id == programme_id).with_for_update())
    else:
        # SQLite has one writer at a time: a write takes that lock, later readers see the winner.
        db.session.execute(text("UPDATE programmes SET id = id WHERE id = :id"), {"id": programme_id})


def _reload(grant_id: int) -> Grant:
    stmt = (select(Grant).where(Grant.id == grant_id).with_for_update()
            .execution_options(populate_existing=True))
    return db.session.execute(stmt).scalar_one()


def _move(grant: Grant, expected: GrantStatus, new: GrantStatus, **values) -> None:
    """Change status only if nobody else did since we read the grant; otherwise change nothing."""
    result = db.session.execute(
        update(Grant)
        .where(Grant.id == grant.id, Grant.status == expected, Grant.version == grant.version)
        .values(status=new, version=Grant.version + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise _stale()
    db.session.refresh(grant)


def _programme(grant: Grant) -> Programme:
    return grant.case.programme


# --- proposing -------------------------------------------------------------------------

def _clean(case: Case, values: dict) -> dict:
    out = {}
    try:
        out["category"] = GrantCategory(values.get("category"))
    except ValueError:
        raise DomainError(_("Choose a category."), "category") from None
    person_id = values.get("person_id") or None
    beneficiary = next((p for p in case.persons if p.id == person_id), None)
    if person_id is not None and beneficiary is None:
        raise DomainError(_("Choose a member of this case, or nobody."), "person_id")
    if beneficiary is not None and not beneficiary.travelled:
        raise DomainError(_("%(name)s did not travel; a grant's beneficiary is a member who returned.",
                            name=beneficiary.full_name), "person_id")
    out["person_id"] = person_id
    out["plan"] = (values.get("plan") or "").strip()
    if not out["plan"]:
        raise DomainError(_("Describe the plan or the reason for this assistance."), "plan")
    out["requested_amount"] = _amount(values.get("requested_amount"), "requested_amount")
    return out


def create_grant(case: Case, values: dict, actor=None, at: datetime | None = None) -> Grant:
    if actor is not None and actor.role not in workflow.PROPOSERS:
        raise NotAllowed(_("Only caseworkers, supervisors and administrators propose grants."))
    if case.status.value in workflow.CASE_STATUSES_WITHOUT_NEW_GRANTS:
        raise DomainError(_("No new grant is proposed on a case that is closed or withdrawn."), "category")
    clean = _clean(case, values)
    grant = Grant(case=case, created_by_id=actor.id if actor else None, status=S.DRAFT, **clean)
    if at is not None:
        grant.created_at = at
    db.session.add(grant)
    db.session.flush()
    event = record("grant_proposed", user=actor, entity=grant, programme_id=case.programme_id,
                   changes={k: v for k, v in clean.items()},
                   summary=f"{clean['category'].value} {money(clean['requested_amount'], case.programme.currency)}")
    _dated(event, at)
    return grant


def update_grant(grant: Grant, values: dict, actor=None, expected_version: int | None = None) -> dict:
    workflow.check("edit", grant.status)
    _check_version(grant, expected_version)
    clean = _clean(grant.case, values)
    before = {k: getattr(grant, k) for k in clean}
    for key, value in clean.items():
        setattr(grant, key, value)
    try:
        db.session.flush()
    except StaleDataError:
        raise _stale() from None
    changes = diff(before, clean)
    if changes:
        record("grant_edited", user=actor, entity=grant, programme_id=grant.case.programme_id, changes=changes)
    return changes


def submit_grant(grant: Grant, actor=None, expected_version: int | None = None, at: datetime | None = None) -> None:
    workflow.check("submit", grant.status)
    if actor is not None and not workflow.role_may("submit", actor.role):
        raise NotAllowed(_("Only caseworkers, supervisors and administrators submit grants."))
    _check_version(grant, expected_version)
    from casework.plans.services import check_grant_may_be_submitted

    check_grant_may_be_submitted(grant)
    from casework.documents.services import check_before_submit

    check_before_submit(grant)
    at = at or utcnow()
    _move(grant, S.DRAFT, S.SUBMITTED, submitted_by_id=actor.id if actor else None, submitted_at=at)
    _dated(record("grant_submitted", user=actor, entity=grant, programme_id=grant.case.programme_id,
                  summary=money(grant.requested_amount, _programme(grant).currency)), at)
    from casework.tasks.rules import close_origin_tasks

    close_origin_tasks("grant_sent_back", grant.id, actor)


def cancel_grant(grant: Grant, reason: str, actor=None, expected_version: int | None = None) -> None:
    workflow.check("cancel", grant.status)
    if actor is not None and not workflow.role_may("cancel", actor.role):
        raise NotAllowed(_("You may not cancel grants."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the grant is cancelled."), "reason")
    _check_version(grant, expected_version)
    lock_programme(grant.case.programme_id)
    expected = grant.status
    _move(grant, expected, S.CANCELLED)
    record("grant_cancelled", user=actor, entity=grant, programme_id=grant.case.programme_id, summary=reason)


# --- deciding --------------------------------------------------------------------------

def current_step(grant: Grant) -> DecisionStep | None:
    if grant.status in (S.SUBMITTED, S.IN_REVIEW):
        return DecisionStep.SUPERVISOR
    if grant.status == S.AWAITING_DONOR:
        return DecisionStep.DONOR
    return None


def _four_eyes_refusal(user, grant: Grant, step: DecisionStep | None, extra_decider_id: int | None = None):
    if user.id in (grant.created_by_id, grant.submitted_by_id):
        return _("You proposed or submitted this grant, so another supervisor must decide on it.")
    others = {d.decided_by_id for d in grant.decisions if d.step != step}
    if extra_decider_id is not None:
        others.add(extra_decider_id)
    if step is not None and user.id in others:
        return _("You already took another step of this grant; a different supervisor must take this one.")
    return None


def eligible_deciders(grant: Grant, step: DecisionStep | None = None, after_decider=None) -> list:
    """The active supervisors who may take `step` (default: the current one) of this grant; with
    `after_decider`, as it will be once that user has taken the current step."""
    from casework.auth.models import User

    step = step or current_step(grant)
    if step is None:
        return []
    supervisors = db.session.scalars(select(User).where(User.role == Role.SUPERVISOR, User.is_active)
                                     .order_by(User.username)).all()
    extra = after_decider.id if after_decider is not None else None
    return [u for u in supervisors if grant.case.programme_id in [p.id for p in u.programmes]
            and _four_eyes_refusal(u, grant, step, extra) is None]


def next_step_after_supervisor(grant: Grant) -> DecisionStep | None:
    """The step that follows the supervisor's approval: the donor's letter, where the donor decides."""
    return DecisionStep.DONOR if _programme(grant).donor_decides else None


def dead_end_warning(user, grant: Grant) -> str | None:
    """Said before a supervisor's decision after which no supervisor could enter the donor's letter."""
    if current_step(grant) != DecisionStep.SUPERVISOR or next_step_after_supervisor(grant) is None:
        return None
    if eligible_deciders(grant, DecisionStep.DONOR, after_decider=user):
        return None
    return _("If you approve, no other supervisor of this programme may enter the donor's letter (the proposer, "
             "the submitter and you are excluded). An administrator will then have to record it.")


def decision_refusal(user, grant: Grant) -> str | None:
    """Why this user may not decide this grant now (None if they may).

    An administrator records the donor's letter only when no supervisor may (a dead end), and
    never as the proposer or the supervisor who took the first step."""
    step = current_step(grant)
    if user is not None and user.role == Role.ADMIN:
        if step != DecisionStep.DONOR or eligible_deciders(grant, step):
            return _("Only a supervisor takes decisions on grants; an administrator records the donor's letter "
                     "only when no supervisor may.")
        return _four_eyes_refusal(user, grant, step)
    if user is None or user.role not in workflow.DECIDERS:
        return _("Only a supervisor takes decisions on grants.")
    if grant.case.programme_id not in [p.id for p in user.programmes]:
        return _("You do not work on this grant's programme.")
    return _four_eyes_refusal(user, grant, step)


def can_decide(user, grant: Grant) -> bool:
    return current_step(grant) is not None and decision_refusal(user, grant) is None


def proposed_amount(grant: Grant) -> Decimal:
    """The amount on the table at the current step: the supervisor's for the donor step."""
    if grant.status == S.AWAITING_DONOR:
        last = [d for d in grant.decisions if d.step == DecisionStep.SUPERVISOR and d.amount is not None]
        if last:
            return last[-1].amount
    return grant.requested_amount


def committed_amount():
    """What an approved grant commits: its approved amount (the requested one if none was recorded)."""
    return func.coalesce(Grant.approved_amount, Grant.requested_amount)


def _committed(stmt_filter) -> Decimal:
    stmt = (select(func.coalesce(func.sum(committed_amount()), 0))
            .join(Case, Case.id == Grant.case_id)
            .where(Grant.status.in_(workflow.APPROVED), stmt_filter))
    value = db.session.scalar(stmt)
    return value if isinstance(value, Decimal) else (Decimal(int(value or 0)) / 100).quantize(Decimal("0.01"))


def budget_used(programme: Programme, through: date | None = None) -> Decimal:
    """The budget used: every approval of the programme, or those decided on or before a day.

    The approval check, the grant page and the reports all read it from here."""
    if through is None:
        return _committed(Case.programme_id == programme.id)
    return _committed((Case.programme_id == programme.id) & (Grant.decided_on <= through))


def budget_remaining(programme: Programme) -> Decimal | None:
    if programme.budget is None:
        return None
    return programme.budget - budget_used(programme)


def check_limits(grant: Grant, amount: Decimal, day: date) -> None:
    """Refuse an approval above the caps of its day or above what is left of the budget."""
    programme = _programme(grant)
    cur = programme.currency
    cap = programme.cap_on(day)
    if cap is not None and cap.per_person is not None and grant.person_id is not None:
        used = _committed((Grant.person_id == grant.person_id) & (Grant.id != grant.id))
        if used + amount > cap.per_person:
            raise DomainError(_("Refused: the cap per person is %(cap)s; %(used)s is already approved for this "
                                "person, so at most %(left)s can be approved.", cap=money(cap.per_person, cur),
                                used=money(used, cur), left=money(max(cap.per_person - used, Decimal(0)), cur)),
                              "amount")
    if cap is not None and cap.per_case is not None:
        used = _committed((Grant.case_id == grant.case_id) & (Grant.id != grant.id))
        if used + amount > cap.per_case:
            raise DomainError(_("Refused: the cap per case is %(cap)s; %(used)s is already approved for this "
                                "case, so at most %(left)s can be approved.", cap=money(cap.per_case, cur),
                                used=money(used, cur), left=money(max(cap.per_case - used, Decimal(0)), cur)),
                              "amount")
    if programme.budget is not None:
        remaining = programme.budget - _committed((Case.programme_id == programme.id) & (Grant.id != grant.id))
        if amount > remaining:
            raise DomainError(_("Refused: only %(left)s is left of the programme budget of %(budget)s.",
                                left=money(max(remaining, Decimal(0)), cur), budget=money(programme.budget, cur)),
                              "amount")


def decide(grant: Grant, actor, outcome: str, *, amount=None, reason: str = "",
           authority_reference: str | None = None, authority_letter_date: date | None = None,
           expected_version: int | None = None, at: datetime | None = None, letter=None) -> GrantDecision:
    """Take the decision of the grant's current step (supervisor review, or the donor's, entered
    by a supervisor with the donor's letter). `letter` (a documents.services.Upload) is attached to
    the decision; a programme may require it with every donor decision."""
    from casework.documents.models import DocumentType, RequirementStep
    from casework.documents.services import attach_document, require_with

    step = current_step(grant)
    action = "donor_decision" if step == DecisionStep.DONOR else "supervisor_decision"
    workflow.check(action, grant.status)
    refusal = decision_refusal(actor, grant)
    if refusal:
        raise NotAllowed(refusal)
    _check_version(grant, expected_version)
    try:
        outcome = DecisionOutcome(outcome)
    except ValueError:
        raise DomainError(_("Choose an outcome."), "outcome") from None
    reason = (reason or "").strip()
    at = at or utcnow()

    # From here on, the programme is ours until commit; re-read the grant as it is now.
    programme_id = grant.case.programme_id
    lock_programme(programme_id)
    expected_status, expected_v = grant.status, grant.version
    grant = _reload(grant.id)
    if grant.status != expected_status or grant.version != expected_v:
        raise Conflict(_("Someone else decided or changed this grant a moment ago; nothing was saved. "
                         "Reload the page to see the decision."))
    db.session.refresh(grant, ["decisions"])

    base = proposed_amount(grant)
    decided_amount = None
    typed = amount not in (None, "")
    if typed and outcome in (DecisionOutcome.REJECTED, DecisionOutcome.SENT_BACK):
        raise DomainError(_("An amount goes with an approval only; clear it, or choose an approval."), "amount")
    if outcome == DecisionOutcome.APPROVED:
        if typed and _amount(amount) != base:
            raise DomainError(_("“Approved in full” grants %(base)s; for another amount choose “approved with a "
                                "lower amount”, or clear the amount.", base=money(base, _programme(grant).currency)),
                              "amount")
        decided_amount = base
    elif outcome == DecisionOutcome.REDUCED:
        decided_amount = _amount(amount)
        if decided_amount >= base:
            raise DomainError(_("A reduced amount is below %(base)s; to grant it all, choose “approved”.",
                                base=money(base, _programme(grant).currency)), "amount")
    if outcome != DecisionOutcome.APPROVED and not reason:
        raise DomainError(_("Give the reason for this decision."), "reason")

    if step == DecisionStep.DONOR:
        authority_reference = (authority_reference or "").strip()
        if not authority_reference:
            raise DomainError(_("Enter the number of the donor's letter."), "authority_reference")
        if authority_letter_date is None:
            raise DomainError(_("Enter the date of the donor's letter."), "authority_letter_date")
        if authority_letter_date > at.date():
            raise DomainError(_("The letter date cannot be in the future."), "authority_letter_date")
        reviewed = [d for d in grant.decisions if d.step == DecisionStep.SUPERVISOR]
        if reviewed and authority_letter_date < reviewed[-1].decided_at.date():
            raise DomainError(_("The donor's letter cannot be dated before the supervisor's decision of %(day)s.",
                                day=reviewed[-1].decided_at.date().isoformat()), "authority_letter_date")
        letter_type = require_with(_programme(grant), RequirementStep.DONOR_DECISION, letter, "letter")
        decision_day = authority_letter_date
    else:
        letter_type = None
        authority_reference, authority_letter_date = None, None
        decision_day = at.date()

    if decided_amount is not None:
        check_limits(grant, decided_amount, decision_day)

    new_status = workflow.target(action, outcome.value, donor_decides=_programme(grant).donor_decides)
    final = new_status in (S.APPROVED, S.REJECTED)
    values = {}
    if final:
        values = {"approved_amount": decided_amount if new_status == S.APPROVED else None,
                  "decided_on": decision_day}
    _move(grant, expected_status, new_status, **values)

    decision = GrantDecision(grant_id=grant.id, step=step, outcome=outcome, amount=decided_amount, reason=reason,
                             decided_by_id=actor.id, decided_at=at, authority_reference=authority_reference,
                             authority_letter_date=authority_letter_date)
    db.session.add(decision)
    db.session.flush()
    if letter is not None and letter.stream is not None:
        # The letter has the type the programme requires, if it requires one (a donor's letter otherwise).
        attach_document(decision, letter, document_type=letter_type or DocumentType.DONOR_LETTER, actor=actor,
                        field="letter",
                        title=_("Donor's letter %(number)s", number=authority_reference or "").strip())
    cur = _programme(grant).currency
    summary = f"{step.value}: {outcome.value}"
    if decided_amount is not None:
        summary += f" {money(decided_amount, cur)}"
    if authority_reference:
        summary += f" (letter {authority_reference} of {authority_letter_date.isoformat()})"
    if reason:
        summary += f" — {reason}"
    _dated(record("grant_decided", user=actor, entity=grant, programme_id=programme_id, summary=summary,
                  changes={"status": [expected_status, new_status], "step": step, "outcome": outcome,
                           "decided_amount": decided_amount, "authority_reference": authority_reference,
                           "authority_letter_date": authority_letter_date, "reason": reason}), at)
    db.session.refresh(grant, ["decisions"])
    if outcome == DecisionOutcome.SENT_BACK:
        from casework.tasks.rules import grant_sent_back

        grant_sent_back(grant, actor)
    return decision


# --- paying out -----------------------------------------------------------------------

def paid_total(grant: Grant) -> Decimal:
    value = db.session.scalar(select(func.coalesce(func.sum(Disbursement.amount), 0))
                              .where(Disbursement.grant_id == grant.id))
    return value if isinstance(value, Decimal) else Decimal(0).quantize(Decimal("0.01"))


def record_disbursement(grant: Grant, actor, *, paid_on: date | None, amount, mode: str,
                        receipt_reference: str = "", at: datetime | None = None, receipt=None) -> Disbursement:
    """Record a tranche. `receipt` (a documents.services.Upload) is attached to the payment; a
    programme may require one with every payment in kind."""
    from casework.documents.models import DocumentType, RequirementStep
    from casework.documents.services import attach_document, require_with

    workflow.check("disburse", grant.status)
    if actor is not None and not workflow.role_may("disburse", actor.role):
        raise NotAllowed(_("You may not record payments."))
    amount = _amount(amount)
    try:
        mode = DisbursementMode(mode)
    except ValueError:
        raise DomainError(_("Choose how it was paid."), "mode") from None
    at = at or utcnow()
    if paid_on is None:
        raise DomainError(_("Enter the date of payment."), "paid_on")
    if paid_on > at.date():
        raise DomainError(_("The payment date cannot be in the future."), "paid_on")
    receipt_type = None
    if mode == DisbursementMode.IN_KIND:
        receipt_type = require_with(_programme(grant), RequirementStep.PAYMENT_IN_KIND, receipt, "receipt")

    lock_programme(grant.case.programme_id)
    expected_status, expected_v = grant.status, grant.version
    grant = _reload(grant.id)
    if grant.status != expected_status or grant.version != expected_v:
        raise _stale()
    workflow.check("disburse", grant.status)
    if grant.decided_on is not None and paid_on < grant.decided_on:
        raise DomainError(_("The payment date is before the approval of %(day)s.", day=grant.decided_on.isoformat()),
                          "paid_on")
    cur = _programme(grant).currency
    paid = paid_total(grant)
    left = grant.approved_amount - paid
    if amount > left:
        raise DomainError(_("Only %(left)s is left to pay of the approved %(approved)s.",
                            left=money(left, cur), approved=money(grant.approved_amount, cur)), "amount")
    receipt_reference = (receipt_reference or "").strip()
    if len(receipt_reference) > RECEIPT_LIMIT:
        raise DomainError(_("A receipt reference has at most %(n)d characters; this one has %(len)d.",
                            n=RECEIPT_LIMIT, len=len(receipt_reference)), "receipt_reference")
    payment = Disbursement(grant_id=grant.id, paid_on=paid_on, amount=amount, mode=mode,
                           receipt_reference=receipt_reference,
                           recorded_by_id=actor.id if actor else None, recorded_at=at)
    db.session.add(payment)
    db.session.flush()
    if receipt is not None and receipt.stream is not None:
        # The type the programme requires with a payment in kind, if it requires one (a receipt otherwise).
        attach_document(payment, receipt, document_type=receipt_type or DocumentType.RECEIPT, actor=actor,
                        field="receipt",
                        title=_("Receipt for the payment of %(day)s %(ref)s", day=paid_on.isoformat(),
                                ref=payment.receipt_reference).strip())
    fully_paid = paid + amount == grant.approved_amount
    new_status = workflow.target("disburse", fully_paid=fully_paid)
    _move(grant, expected_status, new_status)
    from casework.tasks.rules import after_disbursement

    after_disbursement(grant, paid_on, fully_paid, actor)
    _dated(record("disbursement_recorded", user=actor, entity=grant, programme_id=grant.case.programme_id,
                  summary=f"{money(amount, cur)} {mode.value.replace('_', ' ')} {paid_on.isoformat()} "
                          f"{payment.receipt_reference}".strip(),
                  changes={"amount": amount, "mode": mode, "paid_on": paid_on,
                           "receipt_reference": payment.receipt_reference}),
           at)
    if fully_paid:
        _dated(record("grant_completed", user=actor, entity=grant, programme_id=grant.case.programme_id,
                      summary=money(grant.approved_amount, cur)), at)
    db.session.refresh(grant, ["disbursements"])
    return payment


RECEIPT_LIMIT = 100


def reversal_refusal(user, payment: Disbursement) -> str | None:
    """Why this user may not reverse this payment (None if they may): the four-eyes rule."""
    if user is None or not workflow.role_may("reverse_payment", user.role):
        return _("You may not reverse payments.")
    if payment.recorded_by_id is not None and payment.recorded_by_id == user.id:
        return _("You recorded this payment, so another person must reverse it.")
    return None


def standing_payment(payment=Disbursement):
    """SQL: `payment` (Disbursement or an alias of it) is a payment still standing, neither a reversal
    nor reversed by one."""
    from sqlalchemy.orm import aliased

    reversal = aliased(Disbursement)
    return and_(payment.reversal_of_id.is_(None),
                ~select(reversal.id).where(reversal.reversal_of_id == payment.id).exists())


def is_reversed(payment: Disbursement) -> bool:
    return db.session.scalar(select(Disbursement.id).where(Disbursement.reversal_of_id == payment.id)) is not None


def reversed_payment_ids(grant: Grant) -> set[int]:
    """The ids of the grant's payments that a reversal corrects."""
    return {p.reversal_of_id for p in grant.disbursements if p.reversal_of_id}


def reversible_payment_ids(user, grant: Grant) -> set[int]:
    """The ids of the grant's payments this user may reverse now, by the rules reverse_disbursement
    applies: a standing payment (neither a reversal nor reversed), a grant whose status allows it, a
    payment another person recorded."""
    if not workflow.allowed("reverse_payment", grant.status):
        return set()
    corrected = reversed_payment_ids(grant)
    return {p.id for p in grant.disbursements
            if p.reversal_of_id is None and p.id not in corrected and reversal_refusal(user, p) is None}


def reverse_disbursement(payment: Disbursement, actor, reason: str, *, reversed_on: date | None = None,
                         at: datetime | None = None) -> Disbursement:
    """Correct a wrong payment: an entry of the opposite amount, dated on its own day, by another
    person, with the reason. The payment stays as it was; reports net the two in their periods."""
    grant = payment.grant
    if payment.reversal_of_id is not None:
        raise DomainError(_("This entry is itself a reversal."), "reason")
    if is_reversed(payment):
        raise DomainError(_("This payment has been reversed already."), "reason")
    workflow.check("reverse_payment", grant.status)
    refusal = reversal_refusal(actor, payment)
    if refusal:
        raise NotAllowed(refusal)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the payment is reversed."), "reason")
    at = at or utcnow()
    reversed_on = reversed_on or at.date()
    if reversed_on > at.date():
        raise DomainError(_("The reversal date cannot be in the future."), "reversed_on")
    if reversed_on < payment.paid_on:
        raise DomainError(_("The reversal date is before the payment of %(day)s.", day=payment.paid_on.isoformat()),
                          "reversed_on")

    lock_programme(grant.case.programme_id)
    expected_status, expected_v = grant.status, grant.version
    grant = _reload(grant.id)
    if grant.status != expected_status or grant.version != expected_v:
        raise _stale()
    reversal = Disbursement(grant_id=grant.id, paid_on=reversed_on, amount=-payment.amount, mode=payment.mode,
                            receipt_reference=payment.receipt_reference, reversal_of_id=payment.id, reason=reason,
                            recorded_by_id=actor.id if actor else None, recorded_at=at)
    db.session.add(reversal)
    db.session.flush()
    still_paid = paid_total(grant) > 0
    _move(grant, expected_status, workflow.target("reverse_payment", fully_paid=still_paid))
    cur = _programme(grant).currency
    _dated(record("disbursement_reversed", user=actor, entity=grant, programme_id=grant.case.programme_id,
                  changes={"payment_id": payment.id, "amount": -payment.amount, "paid_on": payment.paid_on,
                           "reversed_on": reversed_on},
                  summary=f"{money(-payment.amount, cur)} {reversed_on.isoformat()} — {reason}"), at)
    db.session.refresh(grant, ["disbursements"])
    return reversal


# --- reading --------------------------------------------------------------------------

# The statuses written into the SQL, not bound: SQLite uses a partial index only when the
# query's condition is the index's own text (ix_grants_awaiting_*).
_AWAITING = bindparam("awaiting", list(workflow.AWAITING_DECISION), expanding=True, literal_execute=True,
                      type_=Grant.__table__.c.status.type)


_QUEUE: dict = {}


def _queue_statements() -> dict:
    """The queue's statements, built once (composing them costs more than running them): open
    grants of the user's programmes that this user may decide (same rules as
    decision_refusal), in two stretches, each read in the order of its own partial index: the
    legacy grants (submission time unknown) by id, then the others by (submitted_at, id).
    Parameters: user_id, programme_ids, and limit and offset or cap."""
    if not _QUEUE:
        user_id = bindparam("user_id")
        other_step = GrantDecision.step == sql_case(
            (Grant.status == S.AWAITING_DONOR, DecisionStep.SUPERVISOR.value), else_=DecisionStep.DONOR.value)
        took_other_step = (select(GrantDecision.id)
                           .where(GrantDecision.grant_id == Grant.id, GrantDecision.decided_by_id == user_id,
                                  other_step)
                           .exists())
        base = (select(Grant).join(Case, Case.id == Grant.case_id)
                .where(Grant.status.in_(_AWAITING), Case.programme_id.in_(bindparam("programme_ids", expanding=True)))
                .where((Grant.created_by_id.is_(None)) | (Grant.created_by_id != user_id))
                .where((Grant.submitted_by_id.is_(None)) | (Grant.submitted_by_id != user_id))
                .where(~took_other_step))
        stretches = (base.where(Grant.submitted_at.is_(None)).order_by(Grant.id.asc()),
                     base.where(Grant.submitted_at.is_not(None)).order_by(Grant.submitted_at.asc(), Grant.id.asc()))
        # The case and programme of each row in the same statement.
        shown = [stmt.join(Programme, Programme.id == Case.programme_id)
                 .options(contains_eager(Grant.case).contains_eager(Case.programme)) for stmt in stretches]
        _QUEUE["all"] = tuple(shown)
        _QUEUE["page"] = tuple(stmt.limit(bindparam("limit")).offset(bindparam("offset")) for stmt in shown)
        # Kept in their order, so that a count reads the index too.
        cap = bindparam("cap", type_=Integer, literal_execute=True)  # written in: see casework.db.written
        _QUEUE["count"] = tuple(select(func.count()).select_from(stmt.limit(cap).subquery())
                                for stmt in stretches)
    return _QUEUE


def _queue_params(user, **more) -> dict:
    return {"user_id": user.id, "programme_ids": [p.id for p in user.programmes] or [-1], **more}


def decision_queue(user, limit: int | None = None, offset: int = 0) -> list[Grant]:
    """Grants awaiting this supervisor's decision, oldest submission first (legacy grants, whose
    submission time is unknown, before them all). A page stops after its rows, however many
    grants wait."""
    if user.role not in workflow.DECIDERS:
        return []
    statements = _queue_statements()
    if limit is None:
        return [g for stmt in statements["all"] for g in db.session.scalars(stmt, _queue_params(user))]
    legacy, submitted = statements["page"]
    found = list(db.session.scalars(legacy, _queue_params(user, limit=limit, offset=offset)))
    if len(found) >= limit:
        return found
    if offset and not found:  # the page starts past the legacy grants: skip them all
        offset = max(0, offset - db.session.scalar(statements["count"][0], _queue_params(user, cap=offset)))
    else:
        offset = 0
    return found + list(db.session.scalars(submitted, _queue_params(user, limit=limit - len(found),
                                                                     offset=offset)))


QUEUE_COUNT_CAP = 1000


def queue_count_statements(user) -> tuple:
    """The queue's two counts (legacy grants, then the others), each up to the parameter `cap`,
    with the parameters they take but `cap`: for a page that counts the queue among other things
    in one statement. queue_total makes them the queue's count."""
    return _queue_statements()["count"], _queue_params(user)


def queue_total(legacy: int, submitted: int, cap: int) -> int:
    """The queue's count from its two stretches' counts, each read up to `cap`: as queue_count's."""
    return min(cap, legacy + submitted)


def queue_count(user, cap: int | None = None) -> int:
    """How many grants await the user's decision, counted up to `cap` (shown as "1000+"): the
    dashboard asks on every visit, and a queue of legacy grants can be long."""
    if user.role not in workflow.DECIDERS:
        return 0
    cap = cap or QUEUE_COUNT_CAP
    legacy, submitted = _queue_statements()["count"]
    found = db.session.scalar(legacy, _queue_params(user, cap=cap))
    if found >= cap:  # the legacy grants alone reach the cap: the others are not read
        return cap
    return queue_total(found, db.session.scalar(submitted, _queue_params(user, cap=cap - found)), cap)

