"""The audit trail from the admin's side: every kind of change is found by person, entity,
action, programme and period, with old and new values, address and request id, and the same
rows come out as CSV; nobody else may search it."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.audit.services import ACTIONS
from casework.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def _work_of_a_day(office, client, auth):
    """A caseworker edits a case and changes its status, a colleague is refused, an admin resets a password."""
    case = office.ch_case
    auth.login("caseworker")
    data = {"arrival_date": "2010-05-01", "sending_country": "CH", "municipality": "Leskovac",
            "caseworker_id": "0", "notes": "", "legacy_reference": "", "version": str(case.version)}
    assert client.post(f"/cases/{case.id}/edit", data=data, headers={"X-Request-Id": "0f8e2b6c-5a1d-4c3e-9b7a-2d4f6e8a0c1b"}).status_code == 302
    db.session.expire_all()
    assert client.post(f"/cases/{case.id}/status", data={"status": "reintegration", "version": case.version},
                       environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 302
    auth.logout()
    auth.login("caseworker.uk")
    assert client.get("/admin/users").status_code == 403
    auth.logout()
    auth.login("admin")
    assert client.post(f"/admin/users/{office.caseworker_uk.id}/password",
                       data={"password": "a brand new passphrase 2026"}).status_code == 302
    return case


def _rows(client, query: str) -> str:
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_admin_finds_each_change_by_person_entity_action_programme_and_period(office, client, auth):
    case = _work_of_a_day(office, client, auth)

    page = _rows(client, "username=caseworker&action=case_updated")
    assert "case updated" in page and "Municipality of return: Niš → Leskovac" in page and "0f8e2b6c-5a1d-4c3e-9b7a-2d4f6e8a0c1b" in page
    assert f'href="/cases/{case.id}"' in page

    page = _rows(client, f"entity_type=cases&entity_id={case.id}")
    assert "case updated" in page and "case status changed" in page and "10.1.2.3" in page
    assert "Status: Arrived → Reintegration in progress" in page

    page = _rows(client, "action=access_denied")
    assert "caseworker.uk" in page and "GET /admin/users" in page

    page = _rows(client, f"username=admin&action=password_changed&entity_id={office.caseworker_uk.id}")
    assert "password changed" in page

    page = _rows(client, "programme=VARRP-UK&action=case_updated")
    assert "No event matches." in page  # the edited case is programme AVR-CH's

    assert "No event matches." in _rows(client, "start=2001-01-01&end=2001-12-31")
    today = db.session.scalar(select(func.max(AuditEvent.at))).date().isoformat()
    assert "case updated" in _rows(client, f"start={today}&end={today}&action=case_updated")


def test_the_csv_holds_the_same_events_with_their_changes_and_is_itself_recorded(office, client, auth):
    case = _work_of_a_day(office, client, auth)
    auth.logout()
    client.post("/login", data={"username": "=HYPERLINK(\"http://evil\")", "password": "whatever it is"})
    auth.login("admin")
    response = client.get(f"/admin/audit.csv?entity_type=cases&entity_id={case.id}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["action"] for r in rows] == ["case_created", "case_updated", "case_status_changed"]
    edit = rows[1]
    assert '"municipality": ["Niš", "Leskovac"]' in edit["changes"] and edit["request_id"] == "0f8e2b6c-5a1d-4c3e-9b7a-2d4f6e8a0c1b"
    assert edit["username"] == "caseworker" and edit["programme"] == "AVR-CH" and edit["ip"] == "127.0.0.1"
    exported = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "audit_exported")).all()
    assert len(exported) == 1 and exported[0].username == "admin"
    assert exported[0].changes["filters"] == {"entity_type": "cases", "entity_id": case.id}

    failures = client.get("/admin/audit.csv?action=login_failed").get_data(as_text=True)
    assert "HYPERLINK" not in failures  # a name that belongs to no account is never kept as typed
    by_name = _rows(client, "username=%3DHYPERLINK(%22http%3A%2F%2Fevil%22)")  # a name nobody has, as typed
    assert "login failed" in by_name


def test_pages_of_the_trail_follow_each_other_without_gaps(office, client, auth, app, monkeypatch):
    from casework.admin import views

    monkeypatch.setattr(views, "AUDIT_PER_PAGE", 3)
    _work_of_a_day(office, client, auth)
    expected = [e.at.isoformat() for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()))]
    url, seen, pages = "/admin/audit", [], 0
    while url:
        html = client.get(url).get_data(as_text=True)
        pages += 1
        seen += re.findall(r'<time datetime="([^"]+)"', html)
        found = re.search(r'<a rel="next" href="([^"]+)"', html)
        url = found.group(1).replace("&amp;", "&") if found else None
    # Every event once, newest first, three to a page (viewing the trail adds nothing to it).
    assert seen == expected and pages == -(-len(expected) // 3) and pages > 2


def test_bad_filters_get_a_clear_message_not_an_error(office, client, auth):
    auth.login("admin")
    for query, message in (("start=2020-13-45", "Use a date like"), ("entity_id=abc", "Not a valid integer"),
                           ("start=2021-01-02&end=2021-01-01", "lies before its start"),
                           ("action=drop_tables", "Not a valid choice")):
        response = client.get(f"/admin/audit?{query}")
        assert response.status_code == 400 and message in response.get_data(as_text=True), query
        assert client.get(f"/admin/audit.csv?{query}").status_code == 400


def test_the_search_offers_every_action_the_code_records():
    recorded = set()
    for path in (ROOT / "casework").rglob("*.py"):
        recorded |= set(re.findall(r'record\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert recorded and recorded <= set(ACTIONS), recorded - set(ACTIONS)
