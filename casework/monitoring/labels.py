"""Words on screen for monitoring after return."""
from flask_babel import lazy_gettext as _l

from casework.monitoring.models import GrantUse, VisitKind

KIND_LABELS = {VisitKind.HOME: _l("Home visit"), VisitKind.PHONE: _l("Phone call"), VisitKind.OFFICE: _l("At the office")}
USE_LABELS = {
    GrantUse.AS_PLANNED: _l("As planned"),
    GrantUse.PARTLY: _l("Partly as planned"),
    GrantUse.NOT_AS_PLANNED: _l("Not as planned"),
    GrantUse.NOT_YET: _l("Not used yet"),
}
VISIT_DUE = _l("Due")
VISIT_LATE = _l("Late")
VISIT_DONE = _l("Done")
