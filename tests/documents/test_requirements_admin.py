"""Administrators set the documents a programme requires before a step, on its page."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.documents.models import DocumentRequirement, DocumentType, RequirementStep
from casework.extensions import db
from tests.helpers_i18n import untranslated


def _events():
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "document_requirement_set")
                              .order_by(AuditEvent.id)).all()


def _rows():
    return db.session.execute(select(DocumentRequirement.programme_id, DocumentRequirement.step,
                                     DocumentRequirement.document_type)).all()


def test_the_programme_page_shows_the_requirements_and_links_to_their_screen(client, auth, office):
    auth.login("admin")
    page = client.get(f"/admin/programmes/{office.ch.id}").get_data(as_text=True)
    assert "Documents required" in page and "This programme requires no document before any step." in page
    assert f"/admin/programmes/{office.ch.id}/documents" in page


def test_an_admin_adds_changes_and_removes_a_requirement_audited_and_in_force(client, auth, office):
    from casework.documents.services import required_type

    auth.login("admin")
    page = client.get(f"/admin/programmes/{office.ch.id}/documents").get_data(as_text=True)
    assert "Submitting a grant" in page and "A payment in kind" in page and "Remove the requirement" not in page
    response = client.post(f"/admin/programmes/{office.ch.id}/documents",
                           data={"step": "grant_submit", "document_type": "identity"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "AVR-CH now requires a document of type “Identity document” before a grant is submitted." in page
    assert "Remove the requirement" in page
    assert required_type(office.ch, RequirementStep.GRANT_SUBMIT) == DocumentType.IDENTITY
    assert required_type(office.uk, RequirementStep.GRANT_SUBMIT) is None  # only this programme
    # The programme page lists it.
    assert "Identity document before a grant is submitted" in client.get(
        f"/admin/programmes/{office.ch.id}").get_data(as_text=True)
    # The same again changes nothing and records nothing.
    page = client.post(f"/admin/programmes/{office.ch.id}/documents",
                       data={"step": "grant_submit", "document_type": "identity"}, follow_redirects=True
                       ).get_data(as_text=True)
    assert "already required this; nothing changed" in page
    client.post(f"/admin/programmes/{office.ch.id}/documents", data={"step": "grant_submit", "document_type": "other"})
    assert required_type(office.ch, RequirementStep.GRANT_SUBMIT) == DocumentType.OTHER
    page = client.post(f"/admin/programmes/{office.ch.id}/documents/remove", data={"step": "grant_submit"},
                       follow_redirects=True).get_data(as_text=True)
    assert "AVR-CH no longer requires a document before a grant is submitted." in page
    assert _rows() == []
    page = client.post(f"/admin/programmes/{office.ch.id}/documents/remove", data={"step": "grant_submit"},
                       follow_redirects=True).get_data(as_text=True)
    assert "required no document before a grant is submitted; nothing changed" in page
    events = _events()
    assert [e.changes for e in events] == [{"grant_submit": [None, "identity"]},
                                           {"grant_submit": ["identity", "other"]},
                                           {"grant_submit": ["other", None]}]
    assert {(e.username, e.programme_id, e.entity_type, e.entity_id) for e in events} == \
        {("admin", office.ch.id, "programmes", office.ch.id)}


def test_the_screen_and_the_command_line_set_the_same_requirement(client, auth, office, app):
    result = app.test_cli_runner().invoke(args=["documents", "require", "--programme", "VARRP-UK", "--step",
                                                "payment_in_kind", "--type", "receipt"])
    assert result.exit_code == 0
    auth.login("admin")
    page = client.get(f"/admin/programmes/{office.uk.id}/documents").get_data(as_text=True)
    assert "Receipt or handover certificate" in page and "Remove the requirement" in page
    client.post(f"/admin/programmes/{office.uk.id}/documents/remove", data={"step": "payment_in_kind"})
    result = app.test_cli_runner().invoke(args=["documents", "require", "--programme", "VARRP-UK", "--step",
                                                "payment_in_kind", "--type", "none"])
    assert result.exit_code == 0 and "(unchanged)" in result.output


@pytest.mark.parametrize("data,message", [
    ({"step": "launch", "document_type": "identity"}, "Choose one of the steps listed."),
    ({"step": "grant_submit", "document_type": "passport"}, "Choose one of the document types listed."),
    ({"step": "grant_submit", "document_type": ""}, "Choose the type of document the step requires."),
    ({"document_type": "identity"}, "Choose the step."),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_saved(client, auth, office, data, message):
    auth.login("admin")
    response = client.post(f"/admin/programmes/{office.ch.id}/documents", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _rows() == [] and _events() == []


def test_removing_an_unknown_step_is_refused(client, auth, office):
    auth.login("admin")
    page = client.post(f"/admin/programmes/{office.ch.id}/documents/remove", data={"step": "launch"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Choose one of the steps listed." in page and _events() == []


def test_an_unknown_programme_is_404(client, auth, office):
    auth.login("admin")
    assert client.get("/admin/programmes/999999/documents").status_code == 404


@pytest.mark.parametrize("username", ["supervisor", "caseworker", "donor.ch"])
def test_anyone_but_an_admin_is_refused(client, auth, office, username):
    auth.login(username)
    assert client.get(f"/admin/programmes/{office.ch.id}/documents").status_code == 403
    response = client.post(f"/admin/programmes/{office.ch.id}/documents",
                           data={"step": "grant_submit", "document_type": "identity"})
    assert response.status_code == 403
    assert client.post(f"/admin/programmes/{office.ch.id}/documents/remove",
                       data={"step": "grant_submit"}).status_code == 403
    assert _rows() == [] and _events() == []
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "access_denied")) >= 3


@pytest.mark.parametrize("locale", ["sr_Latn", "sr_Cyrl"])
def test_the_screen_reads_in_serbian(client, auth, office, locale):
    client.post("/language", data={"locale": locale, "next": "/login"})
    auth.login("admin")
    client.post(f"/admin/programmes/{office.ch.id}/documents", data={"step": "donor_decision",
                                                                      "document_type": "donor_letter"})
    for path in (f"/admin/programmes/{office.ch.id}/documents", f"/admin/programmes/{office.ch.id}"):
        html = client.get(path).get_data(as_text=True)
        assert untranslated(html, locale, {"AVR-CH"}) == [], path
    html = client.post(f"/admin/programmes/{office.ch.id}/documents", data={"step": "x", "document_type": "y"}
                       ).get_data(as_text=True)
    assert "Choose one of the steps listed." not in html and untranslated(html, locale, {"AVR-CH"}) == []
