"""Words of the report's monitoring tables: their titles, rows and columns, and the names of their
figures in the list of differences of a submitted report."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

MONITORING = _l("Monitoring")
VISITS_TITLE = _l("Monitoring visits")
VISIT_ROWS = {
    "due": _l("Scheduled visits due in the period"),
    "on_time": _l("done by the due date"),
    "late": _l("done after the due date"),
    "done": _l("done, in all"),
    "missed": _l("missed: past due and not made"),
    "ended": _l("not made: the case ended"),
    "not_yet_due": _l("not yet due"),
    "made": _l("Visits made in the period"),
    "at_scheduled": _l("at a scheduled visit"),
    "unscheduled": _l("outside the schedule"),
    "not_as_planned": _l("Grants found not used as planned at those visits"),
}
GRANT_CHECKS_TITLE = _l("Grants paid and checked at a monitoring visit")
GRANT_ROWS = {"in_period": _l("First paid in the period"), "since_start": _l("Paid since the programme's start")}
GRANT_COLUMNS = {"paid": _l("Grants paid"), "checked": _l("Checked at a visit"), "unchecked": _l("Not checked"),
                 "share_checked": _l("Share checked")}
SCORES_TITLE = _l("Sustainability survey scores by round (surveys taken in the period)")


def sustainability_title(threshold: str) -> str:
    return _("Returnees at or above the programme's sustainability threshold (composite score %(threshold)s "
             "or more), by round", threshold=threshold)


ROUND = _l("Round")
SCORE = _l("Score")
SURVEYS = _l("Surveys")
MEAN = _l("Mean")
MEDIAN = _l("Median")
AT_THRESHOLD = _l("At or above")
BELOW_THRESHOLD = _l("Below")
SHARE_AT_THRESHOLD = _l("Share at or above")
MEASURE = _l("Measure")
VISITS = _l("Visits")
SHEETS = {"visits": _l("Monitoring visits"), "grant_checks": _l("Grants checked"),
          "survey_scores": _l("Survey scores"), "sustainability": _l("Sustainability")}
# The parts of a monitoring figure's name (monitoring.surveys.rounds.<round>.economic.mean, say).
FIGURE_PARTS = {
    "visits": _l("visits"), "grants": _l("grants"), "surveys": _l("surveys"), "rounds": _l("rounds"),
    "threshold": _l("sustainability threshold"), "at_threshold": _l("at or above the threshold"),
    "below_threshold": _l("below the threshold"), "share_at_threshold": _l("share at or above the threshold"),
    "mean": _l("mean"), "median": _l("median"), "paid": _l("paid"), "checked": _l("checked"),
    "unchecked": _l("not checked"), "share_checked": _l("share checked"),
    **VISIT_ROWS, **GRANT_ROWS,
}
