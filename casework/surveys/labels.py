"""Words on screen for sustainability surveys."""
import re

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

DIMENSION_LABELS = {
    "economic": _l("Economic"),
    "social": _l("Social"),
    "psychosocial": _l("Psychosocial"),
}
COMPOSITE = _l("Composite")
INTAKE = _l("Intake")
SURVEYS = _l("Sustainability surveys")
SCORES = _l("Sustainability scores")
ROUND = _l("Round")


def round_label(value: str) -> str:
    """A survey round as the reader should see it: "intake", a scheduled visit's "month 3", or as typed."""
    if value == "intake":
        return str(INTAKE)
    match = re.fullmatch(r"month (\d+)", value)
    if match:
        months = int(match.group(1))
        return ngettext("%(num)d month after arrival", "%(num)d months after arrival", months)
    return value
