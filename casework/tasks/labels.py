"""Words on screen for tasks."""
import re

from flask_babel import lazy_gettext as _l

from casework.tasks.models import TaskStatus

STATUS_LABELS = {TaskStatus.OPEN: _l("Open"), TaskStatus.DONE: _l("Done"), TaskStatus.CANCELLED: _l("Cancelled")}
ORIGIN_LABELS = {
    "manual": _l("Added by hand"),
    "plan_due": _l("Plan due after arrival"),
    "plan_item": _l("Plan item's target date"),
    "grant_sent_back": _l("Grant sent back"),
    "tranche_review": _l("Review before the next tranche"),
    "monitoring_visit": _l("Scheduled monitoring visit"),
    "visit_follow_up": _l("Next step from a monitoring visit"),
}
PLAN_DUE_TITLE = _l("Write the reintegration plan")
PLAN_ITEM_TITLE = _l("Plan item due: %(goal)s")
GRANT_SENT_BACK_TITLE = _l("Revise grant %(id)s, sent back")
TRANCHE_TITLE = _l("Review grant %(id)s before its next tranche")
# A rule's title is shown in the reader's language, from what the task is about; a task added by
# hand, or about a plan item (its goal typed by a person), reads as it was written.
RULE_TITLES = {"plan_due": PLAN_DUE_TITLE, "grant_sent_back": GRANT_SENT_BACK_TITLE, "tranche_review": TRANCHE_TITLE}
VIEW_LABELS = {"overdue": _l("Overdue"), "soon": _l("Due within 7 days"), "open": _l("Open"), "done": _l("Done")}


def title_of(task) -> str:
    """The task's title as the reader should see it."""
    if task.origin_kind == "monitoring_visit":
        # Stored in English ("Monitoring visit, 3 months after arrival"); read in the reader's language.
        from casework.monitoring.services import visit_title

        months = re.search(r"\d+", task.title)
        return visit_title(int(months.group())) if months else task.title
    label = RULE_TITLES.get(task.origin_kind)
    if label is None or task.origin_id is None:
        return task.title
    return str(label) % {"id": task.origin_id}
