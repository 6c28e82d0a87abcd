"""Hostile input in every form of the application: never a 500, and a refused form saves nothing.

The forms are found the way a user finds them: the pages of the office are fetched and every
<form> on them is read (its action, method and field names). A test checks that every POST
route of app.url_map is reached by some form, so a new form cannot be forgotten. hypothesis
then fills each form's fields with hostile values (see test_hostile_input.py for the values
and for how many examples: a short fixed-seed pass in the suite, 500 per form in `make fuzz`).
"""
from __future__ import annotations

import io
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from casework.extensions import db
from tests.security.test_hostile_input import FUZZ, VALUE, _logged_in

# Routes no form of a page reaches on purpose: logging out (it ends the fuzzing session) and
# logging in (fuzzed on its own in test_hostile_input.py).
NOT_FUZZED = {"auth.logout", "auth.login"}
# Ending one's own sessions ends the fuzzing session too, as logging out does (tests/auth/test_sessions.py
# covers them); an administrator ending another user's sessions is fuzzed.
NOT_FUZZED |= {"auth.end_session", "auth.end_all_sessions"}
# Tables whose rows a refused form must leave untouched (the audit trail may record the refusal).
DOMAIN_TABLES = ("cases", "persons", "person_vulnerabilities", "grants", "grant_decisions", "disbursements",
                 "users", "programmes", "programme_caps", "import_batches", "submitted_reports", "case_notes",
                 "case_note_revisions", "case_closures", "reintegration_plans", "plan_items", "plan_versions",
                 "service_providers", "referrals", "tasks", "documents", "document_chunks", "document_requirements",
                 "monitoring_schedules", "scheduled_visits", "monitoring_visits", "monitoring_item_checks",
                 "monitoring_grant_checks",
                 "survey_responses")


class _Forms(HTMLParser):
    """Each <form> of a page: (method, action, {field name: kind})."""

    def __init__(self):
        super().__init__()
        self.forms, self._current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = (attrs.get("method", "get").lower(), attrs.get("action") or "", {})
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            kind = attrs.get("type", "text") if tag == "input" else tag
            if attrs["name"] != "csrf_token":
                self._current[2][attrs["name"]] = kind

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def _day_pages(office) -> tuple[list[str], list[str]]:
    """A draft plan with a referral, a submitted one and an approved one with a grant to link; a note, a
    task and a provider: the pages holding the plan, note, task, referral and provider forms."""
    from datetime import date

    from casework.notes.services import add_note
    from casework.plans import services as plans
    from casework.referrals.services import create_provider, send_referral
    from casework.tasks.services import add_task
    from tests import factories
    from tests.grants.helpers import proposed
    from tests.plans.helpers import approved, written

    provider = create_provider({"name": "Centre", "provider_type": "public", "services": "Counselling"},
                               actor=office.admin)
    draft = written(office.ch_case, office.caseworker)
    send_referral(draft.items[1], provider, consent=True, consent_on=date(2011, 2, 1),
                  consent_person_id=office.ch_case.principal.id, actor=office.caseworker)
    note = add_note(office.ch_case, "visit", date(2011, 2, 1), "Visited.", actor=office.caseworker)
    add_task(office.ch_case, "Call", date(2011, 3, 1), office.caseworker.id, actor=office.caseworker)
    submitted = written(office.uk_case, office.caseworker_uk)
    plans.submit_plan(submitted, actor=office.caseworker_uk)
    third = factories.case(office.ch, actor=office.caseworker)
    plan = approved(office, case=third)
    proposed(office, case=third)
    db.session.commit()
    supervisor = [f"/cases/{office.ch_case.id}/plan", f"/cases/{office.uk_case.id}/plan", f"/cases/{third.id}/plan",
                  f"/cases/{office.ch_case.id}/notes/{note.id}/edit",
                  f"/cases/{third.id}/plan/items/{plan.items[0].id}/edit", "/tasks/", "/my-work/"]
    return supervisor, ["/admin/providers", f"/admin/providers/{provider.id}"]


def _source_pages(office, grants) -> list[tuple[str, str]]:
    """(who looks, page) for every page that holds a form."""
    day_supervisor, day_admin = _day_pages(office)
    case, person = office.ch_case, office.ch_case.persons[0]
    draft, sent, approved = grants
    tabs = ("plan", "tasks", "notes", "grants", "monitoring", "surveys", "documents", "history")
    supervisor = [f"/cases/{case.id}", *(f"/cases/{case.id}?tab={tab}" for tab in tabs), f"/cases/{case.id}/edit", f"/cases/{case.id}/persons/new",
                  f"/cases/{case.id}/persons/{person.id}/edit", "/cases/new", "/cases/",
                  f"/cases/{case.id}/grants/new", f"/grants/{draft.id}", f"/grants/{draft.id}/edit",
                  f"/grants/{sent.id}/decide", f"/grants/{approved.id}", "/grants/", "/grants/queue",
                  "/reports/?programme=VARRP-UK&period=2010", "/imports/", f"/cases/{case.id}/documents/new",
                  "/account/password", f"/cases/{case.id}/visits/new", f"/cases/{case.id}/surveys/new"]
    admin = ["/admin/users", "/admin/users/new", f"/admin/users/{office.caseworker_uk.id}", "/admin/programmes",
             "/admin/programmes/new", f"/admin/programmes/{office.uk.id}", "/admin/audit",
             f"/admin/users/{office.caseworker_uk.id}/sessions", f"/admin/programmes/{office.ch.id}/documents",
             ] + day_admin
    supervisor += day_supervisor
    return [("supervisor", page) for page in supervisor] + [("admin", page) for page in admin]


def _import_preview(client) -> str:
    """The import page after a dry run of a good file: it holds the confirm form."""
    from tests.imports.test_import import PERSONS

    response = client.post("/imports/", data={"kind": "persons", "file": (io.BytesIO(PERSONS.encode()), "p.csv")},
                           content_type="multipart/form-data")
    return response.get_data(as_text=True)


@pytest.fixture
def targets(app, office):
    """Every form of the office's pages, with the role that uses it."""
    from tests.grants.helpers import approved, proposed, submitted

    grants = (proposed(office, case=office.uk_case, actor=office.caseworker_uk),
              submitted(office, case=office.uk_case, actor=office.caseworker_uk),
              approved(office, case=office.uk_case, amount="900", actor=office.caseworker_uk))
    from casework.auth.services import start_session
    from casework.documents.services import Upload, attach_document

    # A session of another user, so that the administrator's page of it shows the end button.
    start_session(office.caseworker_uk, "127.0.0.1", "test")
    # A document on the case, so that its page shows the removal form.
    attach_document(office.ch_case, Upload(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "passport.pdf"),
                    document_type="identity", title="Passport")
    # A programme's requirement, so that its page shows the removal form.
    from casework.documents.services import set_requirement

    set_requirement(office.ch, "payment_in_kind", "receipt", actor=office.admin)
    # A payment by someone else, so the supervisor's grant page holds the reversal form too.
    from datetime import date

    from casework.grants.services import record_disbursement

    record_disbursement(grants[2], office.caseworker_uk, paid_on=date.today(), amount="100", mode="cash")
    # A monitoring visit that found the approved grant not used as planned: its page holds the
    # supervisor's form to clear the flag. And a survey instrument, for the survey form.
    from casework.monitoring.services import record_visit
    from casework.surveys.services import EXAMPLE_FILE, load_instrument

    record_visit(office.uk_case, {"visited_on": date.today(), "kind": "home", "visited_by": "Ana",
                                  "member_ids": [office.uk_case.principal.id],
                                  "grants": {grants[2].id: {"use": "not_as_planned", "what_was_done": "A car",
                                                            "handover_confirmed": True}}},
                 actor=office.caseworker_uk)
    load_instrument(EXAMPLE_FILE.read_bytes())
    db.session.commit()
    users = {"supervisor": office.supervisor, "admin": office.admin}
    found = {}
    for role, page in _source_pages(office, grants):
        client = _logged_in(app, users[role])
        html = client.get(page).get_data(as_text=True)
        if page == "/imports/":
            html += _import_preview(client)
        parser = _Forms()
        parser.feed(html)
        for method, action, fields in parser.forms:
            path = urlsplit(action).path or urlsplit(page).path
            if method == "post" and path == "/logout" or not fields and method == "get":
                continue
            key = (method.upper(), path)
            found.setdefault(key, (role, {}))[1].update(fields)  # the page's forms to one address, merged
    db.session.commit()
    return found, users


def test_every_post_route_is_reached_by_a_form(app, targets):
    found, _users = targets
    adapter = app.url_map.bind("localhost")
    reached = {adapter.match(path, method="POST")[0] for method, path in found if method == "POST"}
    post_routes = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    assert post_routes - NOT_FUZZED - reached == set()


def _counts() -> tuple:
    """Rows of every domain table, in one statement (it runs twice per example)."""
    from sqlalchemy import table

    return tuple(db.session.execute(select(*[select(func.count()).select_from(table(name)).scalar_subquery()
                                             for name in DOMAIN_TABLES])).one())


@pytest.mark.long_running
def test_hostile_values_in_every_form_never_cause_a_server_error_or_a_half_save(app, targets):
    found, users = targets
    clients = {role: _logged_in(app, user) for role, user in users.items()}
    problems = []
    for (method, path), (role, fields) in sorted(found.items()):
        client = clients[role]
        strategies = {name: (st.binary(max_size=2000) if kind == "file" else VALUE) for name, kind in fields.items()}

        @FUZZ
        @given(st.fixed_dictionaries({}, optional=strategies))
        def run(values):
            if method == "GET":
                response = client.get(path, query_string=values)
                assert response.status_code < 500, (path, values)
                return
            before = _counts()
            data = {name: ((io.BytesIO(value), "hostile.csv") if fields[name] == "file" else value)
                    for name, value in values.items()}
            response = client.post(path, data=data, content_type="multipart/form-data")
            assert response.status_code < 500, (path, values)
            # A browser shows what was flashed on the next page, which is never fetched here: without
            # this the session cookie grows with every example and reading it dominates the run.
            with client.session_transaction() as session:
                session.pop("_flashes", None)
            db.session.remove()
            if response.status_code not in (302, 303):  # refused: nothing saved, not even a part
                assert _counts() == before, (path, values, response.status_code)

        try:
            run()
        except Exception as error:  # every form is tried; all that fail are named together
            problems.append(f"{method} {path}: {type(error).__name__}: {error}")
    assert not problems, "\n".join(problems)
