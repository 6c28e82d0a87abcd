"""Words on screen for sustainability surveys."""
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
INSTRUMENTS = _l("Survey instruments")
EXAMPLE_WARNING = _l("This is the example instrument shipped with casework, not IOM's official Reintegration "
                     "Sustainability Survey. Its questions, scores and weights are illustrative only; load your "
                     "office's own instrument to replace it.")


def round_label(code: str) -> str:
    """A survey round in words: "Intake", "3 months after arrival"."""
    from casework.surveys.services import round_months

    months = round_months(code)
    if months == 0:
        return str(INTAKE)
    if months is None:
        return code
    return ngettext("%(num)d month after arrival", "%(num)d months after arrival", months)
