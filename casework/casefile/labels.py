"""The labels the case file shows, gathered from each domain's labels."""
from __future__ import annotations


def context() -> dict:
    from casework.cases.forms import RELATIONSHIP_LABELS, STATUS_LABELS, VULNERABILITY_LABELS
    from casework.closures.labels import REASON_LABELS
    from casework.grants.forms import CATEGORY_LABELS, MODE_LABELS, OUTCOME_LABELS
    from casework.grants.workflow import STATUS_LABELS as GRANT_STATUS_LABELS
    from casework.notes.labels import KIND_LABELS
    from casework.plans.labels import DIMENSION_LABELS, ITEM_STATUS_LABELS, PROVIDER_LABELS, TYPE_LABELS
    from casework.plans.workflow import STATUS_LABELS as PLAN_STATUS_LABELS
    from casework.referrals.labels import PROVIDER_TYPE_LABELS, REFERRAL_STATUS_LABELS

    return {"status_labels": STATUS_LABELS, "relationship_labels": RELATIONSHIP_LABELS,
            "vulnerability_labels": VULNERABILITY_LABELS, "reason_labels": REASON_LABELS,
            "category_labels": CATEGORY_LABELS, "mode_labels": MODE_LABELS, "outcome_labels": OUTCOME_LABELS,
            "grant_status_labels": GRANT_STATUS_LABELS, "kind_labels": KIND_LABELS,
            "dimension_labels": DIMENSION_LABELS, "item_status_labels": ITEM_STATUS_LABELS,
            "provider_labels": PROVIDER_LABELS, "type_labels": TYPE_LABELS, "plan_status_labels": PLAN_STATUS_LABELS,
            "provider_type_labels": PROVIDER_TYPE_LABELS, "referral_status_labels": REFERRAL_STATUS_LABELS}
