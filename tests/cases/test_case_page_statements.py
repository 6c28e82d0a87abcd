"""The case page gathers every domain's section in a fixed number of statements, however much the case holds."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import event

from casework.cases import services as case_services
from casework.extensions import db
from casework.notes import services as note_services
from casework.referrals import services as referral_services
from casework.tasks import services as task_services
from tests.grants.helpers import submitted
from tests.plans.helpers import written

# Each tab of the case page: the user's session, the case with its members, what the tab shows (the
# overview: returned-again links; monitoring: its scheduled visits, the visits with their checks...),
# and the audit of the view; on PostgreSQL one more, which lets the view's record commit without
# waiting for the disk (SQLite's is a pragma on the driver's connection).
CASE_PAGE_STATEMENTS = 6
TABS = ("overview", "plan", "tasks", "notes", "grants", "monitoring", "surveys", "documents", "history")


def _page(client, case_id: int, tab: str) -> tuple[int, str]:
    statements = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement)

    db.session.remove()  # each request reads as in production, with nothing already loaded
    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        response = client.get(f"/cases/{case_id}?tab={tab}")
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


def _tabs(client, case_id: int) -> dict[str, tuple[int, str]]:
    return {tab: _page(client, case_id, tab) for tab in TABS}


def _more(case_id: int, caseworker_id: int, n: int, start: int) -> None:
    """n more notes (each edited once), tasks and members on the case."""
    from casework.auth.models import User
    from casework.cases.models import Case

    case, caseworker = db.session.get(Case, case_id), db.session.get(User, caseworker_id)
    for i in range(start, start + n):
        note = note_services.add_note(case, "visit", date.today(), f"Visit number {i}", actor=caseworker)
        db.session.flush()
        note_services.edit_note(note, "visit", date.today(), f"Home visit number {i}", False, actor=caseworker)
        task_services.add_task(case, f"Call the family {i}", date.today() + timedelta(days=i), caseworker.id)
        case_services.add_person(case, case_services.PersonData("Petrović", f"Child{chr(65 + i)}", "F", 2010,
                                                                relationship="child",
                                                                vulnerabilities=["medical"]),
                                 actor=caseworker)
    db.session.commit()


def test_the_case_page_runs_the_same_statements_with_a_full_plan_notes_tasks_and_a_large_family(
        office, client, auth):
    case = office.ch_case
    case.caseworker_id = office.caseworker.id  # its caseworker is shown too
    provider = referral_services.create_provider({"name": "Centre", "provider_type": "public",
                                                  "services": "Counselling"}, actor=office.admin)
    plan = written(case, office.caseworker)
    referral_services.send_referral(plan.items[1], provider, consent=True, consent_on=date.today(),
                                    consent_person_id=case.principal.id, actor=office.caseworker)
    submitted(office, case=case)
    db.session.commit()
    case_id, caseworker_id = case.id, office.caseworker.id
    _more(case_id, caseworker_id, 1, 0)
    auth.login("caseworker")
    small = _tabs(client, case_id)
    assert "Home visit number 0" in small["notes"][1] and "Visit number 0" in small["notes"][1]
    assert "Call the family 0" in small["tasks"][1]
    assert {tab: n for tab, (n, _) in small.items() if n > CASE_PAGE_STATEMENTS} == {}
    _more(case_id, caseworker_id, 4, 1)
    large = _tabs(client, case_id)
    assert {tab: n for tab, (n, _) in large.items()} == {tab: n for tab, (n, _) in small.items()}
    # Everything is still shown: every note with its earlier version, every task, every member.
    for i in range(5):
        assert f"Home visit number {i}" in large["notes"][1] and f"Visit number {i}" in large["notes"][1]
        assert f"Call the family {i}" in large["tasks"][1] and f"Child{chr(65 + i)}" in large["overview"][1]
    assert "3 items" in large["plan"][1]
