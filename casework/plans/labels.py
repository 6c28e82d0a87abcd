"""Words on screen for reintegration plans."""
from flask_babel import lazy_gettext as _l

from casework.plans.models import Dimension, ItemStatus, ItemType, ProviderKind

DIMENSION_LABELS = {
    Dimension.IMMEDIATE: _l("Immediate"),
    Dimension.ECONOMIC: _l("Economic"),
    Dimension.SOCIAL: _l("Social"),
    Dimension.PSYCHOSOCIAL: _l("Psychosocial"),
}
TYPE_LABELS = {
    ItemType.CASH: _l("Cash"),
    ItemType.BASIC_NEEDS: _l("Basic needs"),
    ItemType.ACCOMMODATION: _l("Accommodation"),
    ItemType.IMMEDIATE_MEDICAL: _l("Medical (immediate)"),
    ItemType.INCOME_GENERATING: _l("Income-generating activity"),
    ItemType.MICRO_BUSINESS: _l("Micro-business"),
    ItemType.COLLECTIVE_PROJECT: _l("Collective or community project"),
    ItemType.JOB_PLACEMENT: _l("Job placement"),
    ItemType.VOCATIONAL_TRAINING: _l("Vocational training"),
    ItemType.HOUSING: _l("Housing"),
    ItemType.MEDICAL: _l("Medical"),
    ItemType.EDUCATION: _l("Education"),
    ItemType.SKILLS: _l("Skills"),
    ItemType.LEGAL: _l("Legal"),
    ItemType.SOCIAL_PROTECTION: _l("Social protection"),
    ItemType.CHILDCARE: _l("Childcare"),
    ItemType.SECURITY: _l("Security"),
    ItemType.PSYCHOSOCIAL_INDIVIDUAL: _l("Individual support"),
    ItemType.PSYCHOSOCIAL_FAMILY: _l("Family support"),
    ItemType.PSYCHOSOCIAL_COMMUNITY: _l("Community support"),
}
PROVIDER_LABELS = {ProviderKind.OFFICE: _l("The office"), ProviderKind.REFERRAL: _l("Referral to a service provider")}
ITEM_STATUS_LABELS = {
    ItemStatus.PLANNED: _l("Planned"),
    ItemStatus.IN_PROGRESS: _l("In progress"),
    ItemStatus.DONE: _l("Done"),
    ItemStatus.DROPPED: _l("Dropped"),
}
