"""Case notes: dated, typed, edited with their history kept, sensitive text on the case page only."""
from __future__ import annotations

from datetime import date, timedelta

from casework.extensions import db
from casework.notes.models import CaseNote

SECRET = "Told us about the threats from her former employer"


def _add(client, case, text, kind="visit", sensitive=False, on="2011-02-03"):
    data = {"kind": kind, "noted_on": on, "text": text}
    if sensitive:
        data["is_sensitive"] = "y"
    return client.post(f"/cases/{case.id}/notes", data=data)


def test_caseworker_writes_a_dated_visit_note_shown_on_the_case_page(office, client, auth):
    auth.login("caseworker")
    response = _add(client, office.ch_case, "Visited the family at home; the roof leaks.")
    assert response.status_code == 302
    page = client.get(f"/cases/{office.ch_case.id}?tab=notes").get_data(as_text=True)
    assert "Visited the family at home; the roof leaks." in page
    assert "2011-02-03" in page and "Visit" in page and "Caseworker" in page


def test_a_note_without_text_or_with_a_future_date_is_refused_and_nothing_saved(office, client, auth):
    auth.login("caseworker")
    response = _add(client, office.ch_case, "   ")
    assert response.status_code == 422
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = _add(client, office.ch_case, "Called", kind="phone_call", on=tomorrow)
    assert response.status_code == 422 and "cannot be in the future" in response.get_data(as_text=True)
    assert db.session.query(CaseNote).count() == 0


def test_editing_keeps_the_earlier_text_in_the_history(office, client, auth):
    auth.login("caseworker")
    _add(client, office.ch_case, "First version of the call.", kind="phone_call")
    note = db.session.query(CaseNote).one()
    response = client.post(f"/cases/{office.ch_case.id}/notes/{note.id}/edit",
                           data={"kind": "phone_call", "noted_on": "2011-02-04", "text": "Corrected version.",
                                 "version": note.version})
    assert response.status_code == 302
    page = client.get(f"/cases/{office.ch_case.id}?tab=notes").get_data(as_text=True)
    assert "Corrected version." in page and "First version of the call." in page
    assert "1 earlier version" in page


def test_another_caseworker_may_not_edit_a_note_but_a_supervisor_may(office, client, auth, factory):
    other = factory.user("other", "caseworker", [office.ch])
    db.session.commit()
    auth.login("caseworker")
    _add(client, office.ch_case, "Mine.")
    note = db.session.query(CaseNote).one()
    auth.logout()
    auth.login("other")
    url = f"/cases/{office.ch_case.id}/notes/{note.id}/edit"
    assert client.get(url).status_code == 403
    auth.logout()
    auth.login("supervisor")
    assert client.post(url, data={"kind": "other", "noted_on": "2011-02-03", "text": "Fixed.",
                                  "version": note.version}).status_code == 302
    assert other.id != note.author_id


def test_a_stale_edit_is_refused(office, client, auth):
    auth.login("caseworker")
    _add(client, office.ch_case, "Original.")
    note = db.session.query(CaseNote).one()
    url = f"/cases/{office.ch_case.id}/notes/{note.id}/edit"
    client.post(url, data={"kind": "visit", "noted_on": "2011-02-03", "text": "One.", "version": note.version})
    response = client.post(url, data={"kind": "visit", "noted_on": "2011-02-03", "text": "Two.", "version": 1})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(CaseNote, note.id).text == "One."


def test_a_sensitive_note_is_on_the_case_page_and_nowhere_else(office, client, auth):
    auth.login("caseworker")
    _add(client, office.ch_case, SECRET, sensitive=True)
    case_page = client.get(f"/cases/{office.ch_case.id}?tab=notes").get_data(as_text=True)
    assert SECRET in case_page and "Sensitive" in case_page
    auth.logout()
    auth.login("admin")
    pages = ["/cases/", "/cases/?q=threats", "/cases/?q=Petrovic", "/cases/export?format=csv",
             "/grants/", "/admin/audit", "/admin/audit.csv", "/dashboard",
             "/my-work/", "/tasks/?view=open", f"/cases/{office.ch_case.id}/plan"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "former employer" not in response.get_data(as_text=True), url
