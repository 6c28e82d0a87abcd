"""Words on screen for sustainability surveys."""
from flask_babel import lazy_gettext as _l

DIMENSION_LABELS = {
    "economic": _l("Economic"),
    "social": _l("Social"),
    "psychosocial": _l("Psychosocial"),
}
COMPOSITE = _l("Composite")
INTAKE = _l("Intake")
SURVEYS = _l("Sustainability surveys")
