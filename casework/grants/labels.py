"""Every word shown for a grant's coded values and fields, in one place."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from casework.grants.models import (
    DecisionOutcome,
    DecisionStep,
    DisbursementMode,
    GrantCategory,
    GrantStatus,
)

S = GrantStatus
STATUS_LABELS = {
    S.DRAFT: _l("Draft"),
    S.SUBMITTED: _l("Submitted"),
    S.IN_REVIEW: _l("In supervisor review"),
    S.AWAITING_DONOR: _l("Awaiting donor decision"),
    S.APPROVED: _l("Approved"),
    S.REJECTED: _l("Rejected"),
    S.DISBURSING: _l("Being disbursed"),
    S.COMPLETED: _l("Completed"),
    S.CANCELLED: _l("Cancelled"),
}
CATEGORY_LABELS = {
    GrantCategory.BUSINESS: _l("Business / income generation"),
    GrantCategory.HOUSING: _l("Housing"),
    GrantCategory.EDUCATION: _l("Education and vocational training"),
    GrantCategory.MEDICAL: _l("Medical"),
    GrantCategory.HOUSEHOLD: _l("Household items"),
    GrantCategory.CASH_ON_ARRIVAL: _l("Cash on arrival"),
}
OUTCOME_LABELS = {
    DecisionOutcome.APPROVED: _l("Approved in full"),
    DecisionOutcome.REDUCED: _l("Approved with a lower amount"),
    DecisionOutcome.REJECTED: _l("Rejected"),
    DecisionOutcome.SENT_BACK: _l("Sent back for revision"),
}
STEP_LABELS = {
    DecisionStep.SUPERVISOR: _l("Supervisor review"),
    DecisionStep.DONOR: _l("Donor decision"),
}
MODE_LABELS = {
    DisbursementMode.CASH: _l("Cash"),
    DisbursementMode.IN_KIND: _l("In kind"),
    DisbursementMode.BANK_TRANSFER: _l("Bank transfer"),
}
# The workflow's actions as they read inside "You cannot %(action)s a grant that is ...".
ACTION_LABELS = {
    "edit": _l("edit"),
    "submit": _l("submit"),
    "supervisor_decision": _l("take the supervisor's decision on"),
    "donor_decision": _l("record the donor's decision on"),
    "disburse": _l("record a disbursement of"),
    "reverse_payment": _l("reverse a payment of"),
    "cancel": _l("cancel"),
}
# The fields a grant's history names.
FIELD_LABELS = {
    "status": _l("Status"),
    "category": _l("Category"),
    "person_id": _l("Beneficiary"),
    "requested_amount": _l("Requested amount"),
    "plan": _l("Plan or justification"),
    "submitted_at": _l("Submitted"),
    "step": _l("Step"),
    "outcome": _l("Outcome"),
    "decided_amount": _l("Approved amount"),
    "authority_reference": _l("Donor's letter number"),
    "authority_letter_date": _l("Date of the donor's letter"),
    "reason": _l("Reason"),
    "amount": _l("Amount"),
    "mode": _l("Mode"),
    "paid_on": _l("Paid on"),
    "receipt_reference": _l("Receipt reference"),
}
CODED_FIELDS = {
    "status": (GrantStatus, STATUS_LABELS),
    "category": (GrantCategory, CATEGORY_LABELS),
    "step": (DecisionStep, STEP_LABELS),
    "outcome": (DecisionOutcome, OUTCOME_LABELS),
    "mode": (DisbursementMode, MODE_LABELS),
}
# Amounts, shown in the reader's number format.
MONEY_FIELDS = {"requested_amount", "decided_amount", "amount"}
