"""The rules for monitoring after return.

A programme's schedule names the months after arrival at which a case is visited; like the caps,
a schedule is in force from its date, and a case follows the schedule in force on its arrival
date. On arrival each scheduled visit becomes a task for the case's caseworker (the tasks rule
machinery), due at arrival plus the interval. Recording a visit answers one scheduled visit and
completes its task; plan item progress goes through the plan's own rules; a grant whose use was
"not as planned" is flagged for the supervisor until one records what was done.
"""
from __future__ import annotations

import calendar
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from casework.audit.services import record
from casework.auth.models import Role
from casework.auth.permissions import can_edit_case
from casework.db import in_few, utcnow
from casework.errors import DomainError, NotAllowed
from casework.extensions import db
from casework.monitoring.models import (
    GrantUse,
    MonitoringSchedule,
    MonitoringVisit,
    ScheduledVisit,
    VisitGrantCheck,
    VisitItemCheck,
    VisitKind,
)
from casework.tasks import rules

VISIT_TASK = "monitoring_visit"
FOLLOW_UP_TASK = "visit_follow_up"
MAX_MONTHS = 120
MAX_VISITS = 12
# Grants whose money has been approved or paid: what a visit can check the use of.
CHECKABLE = ("approved", "disbursing", "completed")


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- schedules -------------------------------------------------------------------------

def may_set_schedule(user, programme) -> bool:
    """An administrator, or a supervisor of the programme."""
    if user is None:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.SUPERVISOR and programme.id in [p.id for p in user.programmes]


def parse_months(value) -> list[int]:
    """"3, 6, 12" (or a list) as whole months after arrival; refused when not positive or repeated."""
    parts = value if isinstance(value, list | tuple) else str(value or "").replace(";", ",").split(",")
    months = []
    for part in parts:
        text = str(part).strip()
        if not text:
            continue
        try:
            number = int(text)
        except ValueError:
            raise DomainError(_("Intervals are whole numbers of months, separated by commas, e.g. 3, 6, 12."),
                              "months") from None
        if number <= 0:
            raise DomainError(_("An interval is at least one month after arrival."), "months")
        if number > MAX_MONTHS:
            raise DomainError(_("An interval is at most %(n)d months after arrival.", n=MAX_MONTHS), "months")
        if number in months:
            raise DomainError(ngettext("The interval of %(num)d month is given twice.",
                                       "The interval of %(num)d months is given twice.", number), "months")
        months.append(number)
    if not months:
        raise DomainError(_("Enter at least one interval in months, e.g. 3, 6, 12."), "months")
    if len(months) > MAX_VISITS:
        raise DomainError(_("A schedule has at most %(n)d visits.", n=MAX_VISITS), "months")
    return sorted(months)


def schedules_of(programme) -> list[MonitoringSchedule]:
    return list(db.session.scalars(select(MonitoringSchedule).where(MonitoringSchedule.programme_id == programme.id)
                                   .order_by(MonitoringSchedule.valid_from)))


def schedule_on(programme, day: date) -> MonitoringSchedule | None:
    """The schedule in force on a day: the latest whose valid_from is not after it."""
    return db.session.scalar(select(MonitoringSchedule).where(MonitoringSchedule.programme_id == programme.id,
                                                              MonitoringSchedule.valid_from <= day)
                             .order_by(MonitoringSchedule.valid_from.desc()).limit(1))


def set_schedule(programme, valid_from: date | None, months, actor=None) -> MonitoringSchedule:
    """Visits at these months after arrival for cases arriving from valid_from; earlier arrivals keep theirs."""
    if actor is not None and not may_set_schedule(actor, programme):
        raise NotAllowed(_("Only an administrator or a supervisor of this programme sets its monitoring schedule."))
    months = parse_months(months)
    if valid_from is None:
        raise DomainError(_("Enter the date from which the schedule applies."), "applies_from")
    if valid_from < programme.start_date:
        raise DomainError(_("A schedule applies from the programme's start (%(day)s) or later.",
                            day=programme.start_date.isoformat()), "applies_from")
    text = ",".join(str(m) for m in months)
    schedule = db.session.scalar(select(MonitoringSchedule).where(MonitoringSchedule.programme_id == programme.id,
                                                                  MonitoringSchedule.valid_from == valid_from))
    before = schedule.months if schedule is not None else None
    if schedule is None:
        schedule = MonitoringSchedule(programme_id=programme.id, valid_from=valid_from)
        db.session.add(schedule)
    schedule.months, schedule.set_by_id, schedule.set_at = text, actor.id if actor else None, utcnow()
    db.session.flush()
    record("monitoring_schedule_set", user=actor, entity=programme, programme_id=programme.id,
           changes={"valid_from": valid_from, "months": [before, text]}, summary=programme.code)
    return schedule


# --- scheduled visits and their tasks ---------------------------------------------------

def visit_title(months: int) -> str:
    return ngettext("Monitoring visit, %(num)d month after arrival",
                    "Monitoring visit, %(num)d months after arrival", months)


def stored_title(months: int) -> str:
    """The task's title as stored, in English whoever made it; tasks.labels.title_of reads it in the
    reader's language."""
    from flask_babel import force_locale

    with force_locale("en"):
        return visit_title(months)


def schedule_visits(case, actor=None) -> list[ScheduledVisit]:
    """The visits a case that arrived is due under the schedule in force on its arrival, each a task."""
    if case.arrival_date is None:
        return []
    schedule = schedule_on(case.programme, case.arrival_date)
    if schedule is None:
        return []
    existing = {v.months: v for v in db.session.scalars(select(ScheduledVisit)
                                                          .where(ScheduledVisit.case_id == case.id))}
    made = []
    for months in schedule.intervals:
        visit = existing.get(months)
        due_on = add_months(case.arrival_date, months)
        if visit is None:
            visit = ScheduledVisit(case_id=case.id, schedule_id=schedule.id, months=months, due_on=due_on)
            db.session.add(visit)
            db.session.flush()
        elif visit.visit_id is None:
            visit.due_on = due_on
        if visit.visit_id is None:
            rules.ensure(case, VISIT_TASK, visit.id, stored_title(months), due_on, case.caseworker_id, actor)
        made.append(visit)
    return made


def after_arrival_moved(case, actor=None) -> None:
    """The arrival date changed: the visits not yet made follow the schedule in force on the new date,
    at their new dates; a visit that schedule does not have is dropped and its task cancelled."""
    from sqlalchemy import update

    from casework.tasks.models import Task, TaskStatus

    if case.arrival_date is None:
        return
    schedule = schedule_on(case.programme, case.arrival_date)
    wanted = set(schedule.intervals) if schedule else set()
    for visit in scheduled_visits_of(case):
        if visit.visit_id is None and visit.months not in wanted:
            db.session.execute(update(Task).where(Task.origin_kind == VISIT_TASK, Task.origin_id == visit.id,
                                                  Task.status == TaskStatus.OPEN)
                               .values(status=TaskStatus.CANCELLED, closed_at=utcnow(),
                                       closed_by_id=actor.id if actor else None, version=Task.version + 1)
                               .execution_options(synchronize_session="fetch"))
            db.session.delete(visit)
    db.session.flush()
    schedule_visits(case, actor)


# A scheduled visit's state, the same on the case page and in the report: done (a recorded visit
# answers it), ended (not made, and the case was closed or withdrawn), overdue (not made, due
# before today: shown as late on the case page, missed in the report), due (not made, not yet due).
DONE, ENDED, OVERDUE, DUE = "done", "ended", "overdue", "due"
ENDED_STATUSES = ("closed", "withdrawn")


def visit_state(scheduled: ScheduledVisit, case, day: date) -> str:
    from casework.tasks.services import overdue

    if scheduled.visit_id is not None:
        return DONE
    if case.status.value in ENDED_STATUSES:
        return ENDED
    return OVERDUE if overdue(scheduled.due_on, day) else DUE


def visit_state_sql(day: date):
    """visit_state as an SQL expression over ScheduledVisit and its Case, for counting in the database."""
    from sqlalchemy import case as when

    from casework.cases.models import Case, CaseStatus
    from casework.tasks.services import overdue

    return when((ScheduledVisit.visit_id.isnot(None), DONE),
                (Case.status.in_([CaseStatus(s) for s in ENDED_STATUSES]), ENDED),
                (overdue(ScheduledVisit.due_on, day), OVERDUE), else_=DUE)


def made_late(due_on, visited_on):
    """A scheduled visit made after its due date: on a day its task was overdue (no grace)."""
    from casework.tasks.services import overdue

    return overdue(due_on, visited_on)


def scheduled_visits_of(case) -> list[ScheduledVisit]:
    return list(db.session.scalars(select(ScheduledVisit).where(ScheduledVisit.case_id == case.id)
                                   .order_by(ScheduledVisit.due_on, ScheduledVisit.id)))


def visits_of(case) -> list[MonitoringVisit]:
    """The case's visits, latest first, with the grants checked (read with the visits: a visit has
    few), who was seen and the plan items checked, with their items. Who was seen is read on its
    own: joined through its association table, SQLite reads every person to find them."""
    from sqlalchemy.orm import joinedload, selectinload

    return list(db.session.scalars(
        select(MonitoringVisit).where(MonitoringVisit.case_id == case.id)
        .options(joinedload(MonitoringVisit.grant_checks), selectinload(MonitoringVisit.members),
                 selectinload(MonitoringVisit.item_checks).joinedload(VisitItemCheck.item))
        .order_by(MonitoringVisit.visited_on.desc(), MonitoringVisit.id.desc())).unique())


def survey_round(scheduled: ScheduledVisit | None, arrival: date, visited_on: date) -> str:
    """The survey round of a visit, a code of casework.surveys.services: the scheduled visit's
    ("month-3" for the 3-month visit), the same on every case so rounds compare. A visit outside the
    schedule takes the round of the whole months since arrival, to the nearest month and at least
    one ("month-2" for a visit 2 months and 10 days after arrival)."""
    from casework.surveys.services import round_code

    if scheduled is not None:
        return round_code(scheduled.months)
    months = 0
    while add_months(arrival, months + 1) <= visited_on:
        months += 1
    after, before = add_months(arrival, months + 1), add_months(arrival, months)
    if (after - visited_on) < (visited_on - before):
        months += 1
    return round_code(max(months, 1))


# --- recording a visit ------------------------------------------------------------------

def _line(value, field: str, limit: int, required_message: str | None = None) -> str:
    text = " ".join(str(value or "").split())
    if not text and required_message:
        raise DomainError(required_message, field)
    if len(text) > limit:
        raise DomainError(_("At most %(n)d characters.", n=limit), field)
    return text


def _text(value, field: str, limit: int = 4000) -> str:
    text = str(value or "").strip()
    if "\x00" in text:
        raise DomainError(_("The text holds a character that cannot be stored."), field)
    if len(text) > limit:
        raise DomainError(_("At most %(n)d characters.", n=limit), field)
    return text


def checkable_grants(case) -> list:
    from casework.grants.models import Grant, GrantStatus

    return list(db.session.scalars(select(Grant).where(Grant.case_id == case.id,
                                                       Grant.status.in_([GrantStatus(s) for s in CHECKABLE]))
                                   .order_by(Grant.id)))


def record_visit(case, values: dict, actor=None, today: date | None = None) -> MonitoringVisit:
    """Record a monitoring visit with its findings, all or nothing.

    values: visited_on, kind, visited_by, member_ids, scheduled_visit_id (or None), notes,
    items {item_id: {"status": ..., "comment": ...}}, grants {grant_id: {"use", "what_was_done",
    "handover_confirmed"}}, follow_ups [{"title", "due_on"}], survey {"version_id", "answers":
    {person_id: {question code: option code}}} (members with no answer are not surveyed).
    """
    from casework.plans import services as plan_services
    from casework.tasks import services as task_services

    if actor is not None and not can_edit_case(actor, case):
        raise NotAllowed(_("You may not record visits on this case."))
    if case.arrival_date is None:
        raise DomainError(_("A visit is recorded once the case has arrived."), "visited_on")
    visited_on = values.get("visited_on")
    if visited_on is None:
        raise DomainError(_("Enter the date of the visit."), "visited_on")
    if visited_on > (today or date.today()):
        raise DomainError(_("The date of a visit cannot be in the future."), "visited_on")
    if visited_on < case.arrival_date:
        raise DomainError(_("The visit cannot be before the arrival (%(day)s).", day=case.arrival_date.isoformat()),
                          "visited_on")
    try:
        kind = VisitKind(values.get("kind"))
    except ValueError:
        raise DomainError(_("Choose how the visit was made: home visit, phone or office."), "kind") from None
    visited_by = _line(values.get("visited_by"), "visited_by", 200, _("Say who visited."))
    notes = _text(values.get("notes"), "notes")

    persons = {p.id: p for p in case.persons}
    member_ids = list(dict.fromkeys(values.get("member_ids") or []))
    if any(pid not in persons for pid in member_ids):
        raise DomainError(_("Choose members of this case."), "members")
    if not member_ids:
        raise DomainError(_("Say which members were met."), "members")

    scheduled = None
    if values.get("scheduled_visit_id"):
        scheduled = db.session.get(ScheduledVisit, values["scheduled_visit_id"])
        if scheduled is None or scheduled.case_id != case.id:
            raise DomainError(_("Choose one of this case's scheduled visits."), "scheduled_visit_id")
        if scheduled.visit_id is not None:
            raise DomainError(_("That scheduled visit has been recorded already."), "scheduled_visit_id")

    plan = plan_services.plan_of(case)
    plan_items = {i.id: i for i in (plan.items if plan else [])}
    item_findings = []
    for item_id, finding in (values.get("items") or {}).items():
        item = plan_items.get(item_id)
        if item is None:
            raise DomainError(_("Choose items of this case's plan."), "items")
        status = (finding.get("status") or item.status.value)
        comment = _text(finding.get("comment"), f"item-{item_id}-comment", 2000)
        if status == item.status.value and not comment:
            continue
        item_findings.append((item, status, comment))

    grants = {g.id: g for g in checkable_grants(case)}
    grant_findings = []
    for grant_id, finding in (values.get("grants") or {}).items():
        grant = grants.get(grant_id)
        if grant is None:
            raise DomainError(_("Only this case's approved or paid grants are checked at a visit."), "grants")
        if not finding.get("use"):
            continue
        try:
            use = GrantUse(finding["use"])
        except ValueError:
            raise DomainError(_("Choose how the grant was used."), f"grant-{grant_id}-use") from None
        done = _text(finding.get("what_was_done"), f"grant-{grant_id}-done", 2000)
        if use == GrantUse.NOT_AS_PLANNED and not done:
            raise DomainError(_("Grant %(id)s was not used as planned: say what was bought or done instead.",
                                id=grant_id), f"grant-{grant_id}-done")
        grant_findings.append((grant, use, done, bool(finding.get("handover_confirmed"))))

    follow_ups = []
    for index, step in enumerate(values.get("follow_ups") or []):
        title = " ".join(str(step.get("title") or "").split())
        due_on = step.get("due_on")
        if not title and due_on is None:
            continue
        if not title:
            raise DomainError(_("Say what the next step is."), f"followup-{index}-title")
        if due_on is None:
            raise DomainError(_("Enter the date the next step is due."), f"followup-{index}-due_on")
        if due_on < visited_on:
            raise DomainError(_("A next step is due on or after the visit."), f"followup-{index}-due_on")
        follow_ups.append((title, due_on))

    survey = values.get("survey") or {}
    survey_answers = {pid: answers for pid, answers in (survey.get("answers") or {}).items()
                      if any(v for v in answers.values())}
    version = None
    if survey_answers:
        from casework.surveys.models import SurveyInstrumentVersion

        version = db.session.get(SurveyInstrumentVersion, survey.get("version_id") or 0)
        if version is None or version.instrument.latest.id != version.id:
            raise DomainError(_("Choose the survey instrument used."), "survey")
        if any(pid not in member_ids for pid in survey_answers):
            raise DomainError(_("A survey is taken with a member met at the visit."), "survey")

    visit = MonitoringVisit(case_id=case.id, visited_on=visited_on, kind=kind, visited_by=visited_by, notes=notes,
                            recorded_by_id=actor.id if actor else None)
    visit.members = [persons[pid] for pid in member_ids]
    db.session.add(visit)
    db.session.flush()
    for item, status, comment in item_findings:
        before = item.status.value
        if status != before:
            plan_services.set_item_status(item, status, reason=comment, actor=actor)
        visit.item_checks.append(VisitItemCheck(plan_item_id=item.id, status_before=before, status_after=status,
                                                comment=comment))
    flagged = []
    for grant, use, done, handover in grant_findings:
        check = VisitGrantCheck(grant_id=grant.id, use=use, what_was_done=done, handover_confirmed=handover,
                                flagged=use == GrantUse.NOT_AS_PLANNED)
        visit.grant_checks.append(check)
        if check.flagged:
            flagged.append(grant.id)
    if scheduled is not None:
        scheduled.visit_id = visit.id
        rules.close_origin_tasks(VISIT_TASK, scheduled.id, actor)
    db.session.flush()
    for title, due_on in follow_ups:
        task_services.add_task(case, title, due_on, case.caseworker_id, actor=actor, origin_kind=FOLLOW_UP_TASK,
                               origin_id=visit.id)
    if version is not None:
        from casework.surveys.services import record_survey

        label = survey_round(scheduled, case.arrival_date, visited_on)
        for pid, answers in survey_answers.items():
            record_survey(persons[pid], version, answers, label, visited_on, actor=actor, today=today)
    record("monitoring_visit_recorded", user=actor, entity=visit, programme_id=case.programme_id,
           changes={"visited_on": visited_on, "kind": kind.value, "members": member_ids,
                    "scheduled_visit": scheduled.months if scheduled else None,
                    "items": [c.plan_item_id for c in visit.item_checks],
                    "grants": {str(c.grant_id): c.use.value for c in visit.grant_checks},
                    "flagged": flagged, "follow_ups": len(follow_ups), "surveys": sorted(survey_answers)},
           summary=case.reference)
    return visit


# --- flags for the supervisor -------------------------------------------------------------

def open_flags_of(grant) -> list[VisitGrantCheck]:
    return list(db.session.scalars(select(VisitGrantCheck).where(VisitGrantCheck.grant_id == grant.id,
                                                                 VisitGrantCheck.flagged.is_(True),
                                                                 VisitGrantCheck.resolved_at.is_(None))
                                   .order_by(VisitGrantCheck.id)))


def checks_of(grant) -> list[VisitGrantCheck]:
    from sqlalchemy.orm import selectinload

    return list(db.session.scalars(select(VisitGrantCheck).where(VisitGrantCheck.grant_id == grant.id)
                                   .options(selectinload(VisitGrantCheck.visit))
                                   .order_by(VisitGrantCheck.id.desc())))


def flagged_grants_stmt(user):
    """The grants of the user's team with a "not as planned" finding no supervisor has dealt with."""
    from sqlalchemy.orm import contains_eager

    from casework.cases.models import Case
    from casework.grants.models import Grant
    from casework.tasks import queries as tq

    # The grants found from the open flags (their index), rather than every grant of the team
    # tested for a flag: the open flags are few, the grants many.
    flagged = select(VisitGrantCheck.grant_id).where(VisitGrantCheck.flagged.is_(True),
                                                     VisitGrantCheck.resolved_at.is_(None))
    return (select(Grant).join(Case, Case.id == Grant.case_id).options(contains_eager(Grant.case))
            .where(tq.case_scope(user), in_few(Grant.id, flagged)).order_by(Grant.id))


def may_resolve(user, grant) -> bool:
    return (user is not None and user.role in (Role.SUPERVISOR, Role.ADMIN) and can_edit_case(user, grant.case))


def resolve_flag(check: VisitGrantCheck, resolution: str, actor=None) -> None:
    """A supervisor records what was done about a "not as planned" finding; the flag is then cleared."""
    grant = check.grant
    if actor is not None and not may_resolve(actor, grant):
        raise NotAllowed(_("Only a supervisor of this programme deals with a grant's flag."))
    if not check.flagged or check.resolved_at is not None:
        raise DomainError(_("This finding is not awaiting a supervisor."), "resolution")
    resolution = _text(resolution, "resolution", 2000)
    if not resolution:
        raise DomainError(_("Say what was done about the finding."), "resolution")
    check.resolution, check.resolved_at = resolution, utcnow()
    check.resolved_by_id = actor.id if actor else None
    db.session.flush()
    record("monitoring_flag_resolved", user=actor, entity=grant, programme_id=grant.case.programme_id,
           changes={"visit": check.visit_id, "resolution": [None, resolution[:200]]}, summary=grant.case.reference)
