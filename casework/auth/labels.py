"""Every word shown for users' coded values, in one place."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from casework.auth.models import Role

ROLE_LABELS = {
    Role.CASEWORKER: _l("caseworker"),
    Role.SUPERVISOR: _l("supervisor"),
    Role.DONOR: _l("donor"),
    Role.ADMIN: _l("administrator"),
}
FIELD_LABELS = {
    "role": _l("Role"),
    "full_name": _l("Full name"),
    "programmes": _l("Programmes"),
    "locale": _l("Language"),
}
CODED_FIELDS = {"role": (Role, ROLE_LABELS)}
