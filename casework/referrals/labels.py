"""Words on screen for providers and referrals."""
from flask_babel import lazy_gettext as _l

from casework.referrals.models import ProviderType, ReferralStatus

PROVIDER_TYPE_LABELS = {
    ProviderType.PUBLIC: _l("Public service"),
    ProviderType.NGO: _l("Non-governmental organisation"),
    ProviderType.PRIVATE: _l("Private company"),
    ProviderType.INTERNATIONAL: _l("International organisation"),
    ProviderType.COMMUNITY: _l("Community group"),
}
REFERRAL_STATUS_LABELS = {
    ReferralStatus.SENT: _l("Sent, awaiting an answer"),
    ReferralStatus.ACCEPTED: _l("Accepted"),
    ReferralStatus.REFUSED: _l("Refused"),
    ReferralStatus.DONE: _l("Done"),
}
