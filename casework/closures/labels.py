"""Words on screen for closing and reopening cases."""
from flask_babel import lazy_gettext as _l

from casework.closures.models import ClosureKind, ClosureReason

REASON_LABELS = {
    ClosureReason.SUPPORT_ENDED: _l("The support period ended"),
    ClosureReason.CRITERIA_NOT_MET: _l("The returnee no longer meets the criteria"),
    ClosureReason.CHOSE_TO_STOP: _l("The returnee chose to stop"),
    ClosureReason.LEFT_AREA: _l("The returnee left the area"),
    ClosureReason.DECEASED: _l("The returnee died"),
    ClosureReason.REMIGRATED: _l("The returnee migrated again"),
    ClosureReason.OTHER: _l("Other (say which)"),
}
KIND_LABELS = {ClosureKind.CLOSED: _l("Closed"), ClosureKind.REOPENED: _l("Reopened")}
# In reports, where no text follows the reason.
REASON_REPORT_LABELS = {**REASON_LABELS, ClosureReason.OTHER: _l("Another reason")}
