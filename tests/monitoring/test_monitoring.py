"""Monitoring after return: schedules dated like the caps, scheduled visits as tasks, recording a
visit with its plan progress, grant checks (a "not as planned" finding flags the grant for the
supervisor) and next steps."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from casework.cases.models import CaseStatus
from casework.cases.services import change_status, update_case
from casework.extensions import db
from casework.monitoring import services
from casework.monitoring.models import MonitoringSchedule, MonitoringVisit, ScheduledVisit, VisitGrantCheck
from casework.plans.models import ItemStatus
from casework.tasks.models import Task, TaskStatus
from tests import factories
from tests.grants.helpers import approved as approved_grant
from tests.plans.helpers import approved as approved_plan


def _visit_tasks(case, status=TaskStatus.OPEN):
    return (db.session.query(Task).filter_by(case_id=case.id, origin_kind="monitoring_visit", status=status)
            .order_by(Task.due_on).all())


def _schedule(programme, valid_from, months):
    services.set_schedule(programme, valid_from, months)
    db.session.commit()


def test_a_case_arriving_gets_its_3_month_visit_task_for_its_caseworker(office, factory):
    _schedule(office.ch, date(2002, 7, 1), "3, 6, 12")
    case = factory.case(office.ch, arrival=None)
    case.caseworker_id = office.caseworker.id
    change_status(case, CaseStatus.ARRIVED, arrival_date=date(2011, 1, 31), actor=office.caseworker)
    db.session.commit()
    tasks = _visit_tasks(case)
    assert [t.due_on for t in tasks] == [date(2011, 4, 30), date(2011, 7, 31), date(2012, 1, 31)]
    assert tasks[0].title == "Monitoring visit, 3 months after arrival"
    assert {t.assignee_id for t in tasks} == {office.caseworker.id}


def test_a_case_registered_as_arrived_gets_its_visits_and_they_show_on_the_case_page(office, factory, client, auth):
    _schedule(office.ch, date(2002, 7, 1), "3")
    case = factory.case(office.ch, arrival=date(2011, 3, 15))
    db.session.commit()
    assert [t.due_on for t in _visit_tasks(case)] == [date(2011, 6, 15)]
    auth.login("caseworker")
    page = client.get(f"/cases/{case.id}?tab=monitoring").get_data(as_text=True)
    assert "Monitoring visit, 3 months after arrival" in page and "Record a visit" in page
    referred = factory.case(office.ch, arrival=None)  # not yet returned: nothing to schedule or record
    db.session.commit()
    page = client.get(f"/cases/{referred.id}?tab=monitoring").get_data(as_text=True)
    assert "Monitoring starts when the case arrives." in page and "Record a visit" not in page


def test_a_schedule_dated_later_does_not_apply_to_earlier_arrivals(office, factory):
    _schedule(office.ch, date(2002, 7, 1), "3,6")
    _schedule(office.ch, date(2011, 1, 1), "1,12")
    earlier = factory.case(office.ch, arrival=date(2010, 12, 31))
    later = factory.case(office.ch, arrival=date(2011, 1, 1))
    db.session.commit()
    assert [t.due_on for t in _visit_tasks(earlier)] == [date(2011, 3, 31), date(2011, 6, 30)]
    assert [t.due_on for t in _visit_tasks(later)] == [date(2011, 2, 1), date(2012, 1, 1)]


def test_no_schedule_no_visits_and_a_moved_arrival_moves_the_visits(office, factory):
    case = factory.case(office.uk, arrival=date(2010, 1, 10))
    db.session.commit()
    assert _visit_tasks(case) == []
    _schedule(office.ch, date(2002, 7, 1), "6")
    moved = factory.case(office.ch, arrival=date(2010, 1, 10))
    update_case(moved, {"arrival_date": date(2010, 2, 10)})
    db.session.commit()
    assert [t.due_on for t in _visit_tasks(moved)] == [date(2010, 8, 10)]


def test_an_arrival_moved_past_a_new_schedules_date_follows_that_schedule(office, factory):
    _schedule(office.ch, date(2002, 7, 1), "3")
    _schedule(office.ch, date(2011, 1, 1), "6")
    case = factory.case(office.ch, arrival=date(2010, 12, 1))
    db.session.commit()
    assert [t.due_on for t in _visit_tasks(case)] == [date(2011, 3, 1)]
    update_case(case, {"arrival_date": date(2011, 2, 1)})
    db.session.commit()
    assert [t.due_on for t in _visit_tasks(case)] == [date(2011, 8, 1)]
    assert [t.title for t in _visit_tasks(case, TaskStatus.CANCELLED)] == ["Monitoring visit, 3 months after arrival"]


def test_the_schedule_form_refuses_bad_intervals_and_dates_and_saves_nothing(office, client, auth):
    auth.login("admin")
    url = f"/programmes/{office.ch.id}/monitoring"
    for months, valid_from, message in (
            ("3, 0, 12", "2010-01-01", "An interval is at least one month after arrival."),
            ("3, -6", "2010-01-01", "An interval is at least one month after arrival."),
            ("3, 6, 3", "2010-01-01", "The interval of 3 months is given twice."),
            ("three", "2010-01-01", "Intervals are whole numbers of months"),
            ("3, 6", "2001-12-31", "A schedule applies from the programme&#39;s start (2002-07-01) or later.")):
        response = client.post(url, data={"months": months, "applies_from": valid_from})
        assert response.status_code == 422, months
        assert message in response.get_data(as_text=True), months
    assert db.session.query(MonitoringSchedule).count() == 0
    response = client.post(url, data={"months": "12, 3,6", "applies_from": "2010-01-01"}, follow_redirects=True)
    assert "Monitoring schedule saved." in response.get_data(as_text=True)
    [schedule] = db.session.query(MonitoringSchedule).all()
    assert schedule.intervals == [3, 6, 12]
    assert "Monitoring visits after arrival" in client.get(f"/admin/programmes/{office.ch.id}").get_data(as_text=True)


def test_a_supervisor_sets_their_programmes_schedule_only(office, client, auth):
    factories.user("supervisor.uk", "supervisor", [office.uk])
    db.session.commit()
    auth.login("supervisor")
    assert client.post(f"/programmes/{office.ch.id}/monitoring",
                       data={"months": "3", "applies_from": "2010-01-01"}).status_code == 302
    auth.logout()
    auth.login("supervisor.uk")
    assert client.get(f"/programmes/{office.ch.id}/monitoring").status_code == 403
    assert client.post(f"/programmes/{office.ch.id}/monitoring",
                       data={"months": "6", "applies_from": "2011-01-01"}).status_code == 403
    auth.logout()
    auth.login("caseworker")
    assert client.get(f"/programmes/{office.ch.id}/monitoring").status_code == 403
    assert [s.months for s in db.session.query(MonitoringSchedule).all()] == ["3"]


def test_the_command_line_sets_a_schedule_and_refuses_a_repeated_interval(office, runner):
    result = runner.invoke(args=["programmes", "set-schedule", "AVR-CH", "--from", "2011-01-01", "--months", "3,6,12"])
    assert result.exit_code == 0, result.output
    assert "visits at 3, 6, 12 months after arrival" in result.output
    result = runner.invoke(args=["programmes", "set-schedule", "AVR-CH", "--from", "2012-01-01", "--months", "6,6"])
    assert result.exit_code != 0 and "The interval of 6 months is given twice." in result.output
    assert db.session.query(MonitoringSchedule).count() == 1


# --- visits ----------------------------------------------------------------------------------

def _monitored_case(office):
    """AVR-CH's case with a 3-month visit due, an approved plan and an approved grant."""
    _schedule(office.ch, date(2002, 7, 1), "3")
    case = office.ch_case
    case.caseworker_id = office.caseworker.id
    services.schedule_visits(case)
    plan = approved_plan(office)
    grant = approved_grant(office)
    db.session.commit()
    return case, plan, grant


def _visit_form(case, plan, grant, **changes):
    scheduled = db.session.query(ScheduledVisit).filter_by(case_id=case.id).first()
    item = plan.items[0]
    data = {"visited_on": date.today().isoformat(), "kind": "home", "visited_by": "Ana Ilić",
            "scheduled_visit_id": scheduled.id, "member": [case.principal.id],
            f"item-{item.id}-status": "in_progress", f"item-{item.id}-comment": "The oven is installed",
            f"grant-{grant.id}-use": "not_as_planned", f"grant-{grant.id}-done": "Bought a used car instead",
            f"grant-{grant.id}-handover": "y",
            "followup-0-title": "Ask for the car's receipt", "followup-0-due_on": (date.today() + timedelta(days=14)).isoformat()}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_recording_a_visit_flags_a_grant_not_used_as_planned_for_the_supervisor(office, client, auth):
    case, plan, grant = _monitored_case(office)
    auth.login("caseworker")
    form = client.get(f"/cases/{case.id}/visits/new").get_data(as_text=True)
    assert "Open a bakery in Niš" in form and "Buy a tractor" in form
    response = client.post(f"/cases/{case.id}/visits/new", data=_visit_form(case, plan, grant), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Visit recorded." in page and "Bought a used car instead" in page
    db.session.expire_all()
    assert _visit_tasks(case) == [] and len(_visit_tasks(case, TaskStatus.DONE)) == 1
    assert plan.items[0].status == ItemStatus.IN_PROGRESS
    [step] = db.session.query(Task).filter_by(case_id=case.id, origin_kind="visit_follow_up").all()
    assert step.title == "Ask for the car's receipt" and step.assignee_id == office.caseworker.id
    assert "Ask for the car" in client.get(f"/cases/{case.id}?tab=tasks").get_data(as_text=True)
    grant_page = client.get(f"/grants/{grant.id}").get_data(as_text=True)
    assert "Flagged for the supervisor:" in grant_page and "Record what was done" not in grant_page
    auth.logout()

    auth.login("supervisor")
    work = client.get("/my-work/").get_data(as_text=True)
    assert "Grants flagged at monitoring visits (1)" in work and f"/grants/{grant.id}#monitoring-checks" in work
    assert f"Grant {grant.id}" in client.get("/my-work/flagged-grants").get_data(as_text=True)
    check = db.session.query(VisitGrantCheck).one()
    response = client.post(f"/monitoring/checks/{check.id}/resolve", data={"resolution": "Receipt seen; agreed"},
                           follow_redirects=True)
    assert "the grant&#39;s flag is cleared" in response.get_data(as_text=True)
    assert "Grants flagged at monitoring visits (0)" in client.get("/my-work/").get_data(as_text=True)


def test_a_visit_with_bad_input_is_refused_with_a_message_and_nothing_is_saved(office, client, auth):
    case, plan, grant = _monitored_case(office)
    auth.login("caseworker")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    for changes, message in (
            ({"visited_on": tomorrow}, "The date of a visit cannot be in the future."),
            ({"visited_on": "2010-04-30"}, "The visit cannot be before the arrival (2010-05-01)."),
            ({"member": None}, "Say which members were met."),
            ({"kind": "email"}, "Not a valid choice"),
            ({f"grant-{grant.id}-done": ""}, f"Grant {grant.id} was not used as planned: say what was bought or done"),
            ({f"item-{plan.items[0].id}-status": "dropped", f"item-{plan.items[0].id}-comment": ""},
             "Say why the item is dropped."),
            ({"followup-0-due_on": "2010-05-01"}, "A next step is due on or after the visit."),
            ({"followup-0-title": ""}, "Say what the next step is.")):
        response = client.post(f"/cases/{case.id}/visits/new", data=_visit_form(case, plan, grant, **changes))
        assert response.status_code == 422, changes
        page = response.get_data(as_text=True)
        assert message in page, changes
        assert "Bought a used car instead" in page or f"grant-{grant.id}-done" in changes  # the typed text is kept
    db.session.expire_all()
    assert db.session.query(MonitoringVisit).count() == 0 and db.session.query(VisitGrantCheck).count() == 0
    assert plan.items[0].status == ItemStatus.PLANNED and len(_visit_tasks(case)) == 1
    assert db.session.query(Task).filter_by(origin_kind="visit_follow_up").count() == 0


def test_another_programmes_users_cannot_see_or_record_visits(office, client, auth):
    case, plan, grant = _monitored_case(office)
    auth.login("caseworker.uk")
    assert client.get(f"/cases/{case.id}/visits/new").status_code == 404
    assert client.post(f"/cases/{case.id}/visits/new", data=_visit_form(case, plan, grant)).status_code == 404
    auth.logout()
    factories.user("supervisor.uk", "supervisor", [office.uk])
    db.session.commit()
    services.record_visit(case, {"visited_on": date.today(), "kind": "phone", "visited_by": "Ana",
                                 "member_ids": [case.principal.id],
                                 "grants": {grant.id: {"use": "not_as_planned", "what_was_done": "Sold it"}}},
                          actor=office.caseworker)
    db.session.commit()
    auth.login("supervisor.uk")
    assert "Grants flagged at monitoring visits (0)" in client.get("/my-work/").get_data(as_text=True)
    check = db.session.query(VisitGrantCheck).one()
    assert client.post(f"/monitoring/checks/{check.id}/resolve", data={"resolution": "x"}).status_code == 404
    assert db.session.get(VisitGrantCheck, check.id).resolved_at is None
    auth.logout()
    auth.login("caseworker")
    assert client.post(f"/monitoring/checks/{check.id}/resolve", data={"resolution": "x"}).status_code == 403


def test_evidence_is_attached_to_a_visit_and_the_visit_is_audited(office, client, auth):
    from casework.audit.models import AuditEvent

    case, plan, grant = _monitored_case(office)
    visit = services.record_visit(case, {"visited_on": date.today(), "kind": "office", "visited_by": "Ana",
                                         "member_ids": [p.id for p in case.persons]}, actor=office.caseworker)
    db.session.commit()
    auth.login("caseworker")
    page = client.get(f"/cases/{case.id}/documents/new?attach_to=visit:{visit.id}").get_data(as_text=True)
    assert f'value="visit:{visit.id}"' in page and f"Monitoring visit {date.today():%Y-%m-%d}" in page
    [event] = db.session.query(AuditEvent).filter_by(action="monitoring_visit_recorded").all()
    assert event.user_id == office.caseworker.id and event.summary == case.reference
    assert len(_visit_tasks(case)) == 1  # a visit outside the schedule leaves the scheduled one due


def _instrument():
    import json

    from casework.surveys.services import load_instrument
    from tests.surveys.test_surveys import definition

    version, _new = load_instrument(json.dumps(definition()).encode())
    db.session.commit()
    return version


def test_a_survey_taken_at_the_visit_is_scored_in_the_scheduled_visits_round(office, client, auth):
    from casework.surveys.models import SurveyResponse
    from tests.surveys.test_surveys import ANSWERS

    case, plan, grant = _monitored_case(office)
    version = _instrument()
    auth.login("caseworker")
    principal = case.principal
    form = client.get(f"/cases/{case.id}/visits/new").get_data(as_text=True)
    assert "Question income?" in form and f'name="survey-{principal.id}-income"' in form
    answers = {f"survey-{principal.id}-{code}": option for code, option in ANSWERS.items()}
    incomplete = {**answers, f"survey-{principal.id}-wellbeing": ""}
    response = client.post(f"/cases/{case.id}/visits/new",
                           data=_visit_form(case, plan, grant, survey_version=version.id, **incomplete))
    assert response.status_code == 422 and "Question &#39;wellbeing&#39; is not answered." in response.get_data(as_text=True)
    assert db.session.query(MonitoringVisit).count() == 0 and db.session.query(SurveyResponse).count() == 0
    response = client.post(f"/cases/{case.id}/visits/new",
                           data=_visit_form(case, plan, grant, survey_version=version.id, **answers))
    assert response.status_code == 302
    [survey] = db.session.query(SurveyResponse).all()
    # By hand: economic (2*0.5 + 1*1)/3 = 2/3; social (0.5 + 1)/2 = 3/4; psychosocial (0.5 + 0)/2 = 1/4;
    # composite (2*2/3 + 3/4 + 1/4)/4 = 7/12.
    assert survey.person_id == principal.id and survey.round == "month-3" and survey.taken_on == date.today()
    assert (str(survey.economic_score), str(survey.social_score), str(survey.psychosocial_score),
            str(survey.composite_score)) == ("0.6667", "0.7500", "0.2500", "0.5833")


def test_a_survey_at_a_visit_outside_the_schedule_is_in_the_round_of_the_months_since_arrival(office):
    from casework.errors import DomainError
    from casework.surveys.models import SurveyResponse
    from tests.surveys.test_surveys import ANSWERS

    case, _plan, _grant = _monitored_case(office)
    version = _instrument()
    arrival, principal = case.arrival_date, case.principal

    def visit(on):
        return services.record_visit(case, {"visited_on": on, "kind": "phone", "visited_by": "Ana",
                                            "member_ids": [principal.id],
                                            "survey": {"version_id": version.id, "answers": {principal.id: ANSWERS}}},
                                     actor=office.caseworker)

    assert services.survey_round(None, date(2010, 1, 31), date(2010, 1, 31)) == "month-1"  # never intake
    assert services.survey_round(None, date(2010, 1, 31), date(2010, 3, 14)) == "month-1"  # 28 Feb + 14 days
    assert services.survey_round(None, date(2010, 1, 31), date(2010, 3, 16)) == "month-2"  # 31 Mar is nearer
    visit(services.add_months(arrival, 2) + timedelta(days=10))
    db.session.commit()
    assert [s.round for s in db.session.query(SurveyResponse)] == ["month-2"]
    with pytest.raises(DomainError, match="already has a test-rss survey for the round '2 months after arrival'"):
        visit(services.add_months(arrival, 2) - timedelta(days=5))
    db.session.rollback()
    assert db.session.query(MonitoringVisit).count() == 1 and db.session.query(SurveyResponse).count() == 1


def test_the_case_page_shows_each_members_scores_per_round_with_the_lowest_dimension_to_plan_for(office, client,
                                                                                                  auth):
    from casework.surveys.services import record_survey

    version = _instrument()
    marko, jelena = office.ch_case.persons
    answers = {"income": "o0", "debt": "o0", "housing": "o2", "services": "o2", "belonging": "o1", "wellbeing": "o1"}
    record_survey(marko, version, answers, "intake", date(2010, 5, 3))
    record_survey(marko, version, {**answers, "income": "o4", "debt": "o1", "housing": "o0", "services": "o0"},
                  "month-3", date(2010, 8, 2))
    db.session.commit()
    auth.login("caseworker")
    page = client.get(f"/cases/{office.ch_case.id}?tab=surveys").get_data(as_text=True)
    start = page.index('id="surveys"')
    section = page[start:page.index("</section>", start)]
    assert "Intake" in section and "3 months after arrival" in section
    # intake: economic 0.00, social 1.00, psychosocial 0.50; month 3: economic 1.00, social 0.00 (the lowest).
    assert section.index("0.00") < section.index("1.00")
    assert '<td class="num lowest" data-label="Social">0.00 <strong class="badge">lowest</strong>' in section
    assert 'data:image/svg+xml;base64,' in section and jelena.full_name not in section
    link = f"/cases/{office.ch_case.id}/plan?dimension=social&amp;person={marko.id}#add-item"
    assert link in section
    plan_page = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert 'id="add-item" open' in plan_page
    assert '<option selected value="housing">' in plan_page or 'value="housing" selected' in plan_page
    assert (f'<option selected value="{marko.id}">' in plan_page
            or f'value="{marko.id}" selected' in plan_page)
    auth.logout()
    auth.login("caseworker.uk")
    assert client.get(f"/cases/{office.ch_case.id}").status_code == 404


def test_the_monitoring_pages_read_in_serbian(office, client, auth):
    from casework.auth.models import User
    from tests.conftest import PASSWORD
    from tests.helpers_i18n import untranslated

    case, plan, grant = _monitored_case(office)
    _instrument()
    services.record_visit(case, {"visited_on": date.today(), "kind": "home", "visited_by": "Ana",
                                 "member_ids": [case.principal.id],
                                 "grants": {grant.id: {"use": "not_as_planned", "what_was_done": "Prodat"}}},
                          actor=office.caseworker)
    db.session.commit()
    typed = {name for user in db.session.query(User) for name in (user.username, user.full_name)}
    for username, paths in (("caseworker", [f"/cases/{case.id}", f"/cases/{case.id}/visits/new",
                                            f"/grants/{grant.id}", "/my-work/", "/tasks/"]),
                            ("supervisor", ["/my-work/", "/my-work/flagged-grants", f"/grants/{grant.id}",
                                            "/monitoring/schedules", f"/programmes/{office.ch.id}/monitoring"]),
                            ("admin", [f"/admin/programmes/{office.ch.id}"])):
        client.post("/language", data={"locale": "sr_Latn", "next": "/login"})
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
        for path in paths:
            html = client.get(path).get_data(as_text=True)
            assert untranslated(html, "sr_Latn", typed) == [], path
        if username == "caseworker":  # the visit task, made in English, reads in the reader's language
            assert "Poseta praćenja, 3 meseca posle povratka" in client.get("/tasks/").get_data(as_text=True)
        auth.logout()


def test_the_monitoring_tab_reads_its_visits_by_index_without_reading_every_person(office, client, auth):
    """Each statement of the tab is answered by indexes: joined through their association table, a
    visit's members were once found by reading every person (a second per view at scale)."""
    from sqlalchemy import event

    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL's plans are measured by make bench")
    case, plan, grant = _monitored_case(office)
    auth.login("caseworker")
    client.post(f"/cases/{case.id}/visits/new", data=_visit_form(case, plan, grant))
    seen = []

    def grab(conn, cursor, statement, parameters, context, many):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        assert "Bought a used car instead" in client.get(f"/cases/{case.id}?tab=monitoring").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", grab)
    connection = db.session.connection()
    plans = {statement: [row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
             for statement, parameters in seen if "monitoring_" in statement}
    assert plans and any("monitoring_visit_members" in statement for statement in plans)
    for statement, plan_lines in plans.items():
        scans = [line for line in plan_lines if line.startswith("SCAN") and "INDEX" not in line]
        assert not scans, (statement, plan_lines)
