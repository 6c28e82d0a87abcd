"""Each step that can have a document requirement says what is needed before anyone tries."""
from __future__ import annotations

import io
from datetime import UTC, datetime

from casework.extensions import db
from tests.documents.conftest import PDF
from tests.documents.test_documents import only_document

SUBMIT_HINT = "Missing before this grant can be submitted"
DONOR_HINT = "with every donor decision"
PAYMENT_HINT = "with every payment in kind"


def _grants(office, case, actor):
    """A draft grant, one awaiting the donor (AVR-CH's donor decides) or approved, of `case`."""
    from casework.grants.services import create_grant, decide, submit_grant

    draft = create_grant(case, {"category": "housing", "plan": "Roof", "requested_amount": "900"}, actor=actor)
    decided = create_grant(case, {"category": "business", "plan": "Bakery", "requested_amount": "2000"},
                           actor=actor)
    submit_grant(decided, actor=actor)
    decide(decided, office.supervisor, "approved")
    db.session.commit()
    return draft, decided


def _require_on_screen(client, programme, step, kind):
    response = client.post(f"/admin/programmes/{programme.id}/documents", data={"step": step, "document_type": kind})
    assert response.status_code == 302


def test_every_step_with_a_requirement_names_the_missing_document_on_its_page(client, auth, office):
    draft, awaiting = _grants(office, office.ch_case, office.caseworker)
    _uk_draft, approved = _grants(office, office.uk_case, office.caseworker_uk)
    auth.login("admin")
    for programme in (office.ch, office.uk):
        _require_on_screen(client, programme, "grant_submit", "identity")
        _require_on_screen(client, programme, "payment_in_kind", "photo")
    _require_on_screen(client, office.ch, "donor_decision", "agreement")
    auth.logout()
    assert awaiting.status.value == "awaiting_donor" and approved.status.value == "approved"

    auth.login("caseworker")
    page = client.get(f"/grants/{draft.id}").get_data(as_text=True)
    assert SUBMIT_HINT in page and "“Identity document”" in page
    auth.logout()
    auth.login("supervisor2")  # neither the proposer nor the first decider: may enter the donor's letter
    page = client.get(f"/grants/{awaiting.id}").get_data(as_text=True)
    assert 'id="donor-letter-required"' in page and "“Agreement” with every donor decision" in page
    page = client.get(f"/grants/{awaiting.id}/decide").get_data(as_text=True)
    assert "“Agreement” with every donor decision: attach it in this form" in page
    auth.logout()
    auth.login("caseworker.uk")
    page = client.get(f"/grants/{approved.id}").get_data(as_text=True)
    assert "“Photo” with every payment in kind: attach it in this form" in page


def test_without_a_requirement_no_page_asks_for_a_document(client, auth, office):
    draft, awaiting = _grants(office, office.ch_case, office.caseworker)
    auth.login("caseworker")
    assert SUBMIT_HINT not in client.get(f"/grants/{draft.id}").get_data(as_text=True)
    auth.logout()
    auth.login("supervisor2")
    for path in (f"/grants/{awaiting.id}", f"/grants/{awaiting.id}/decide"):
        page = client.get(path).get_data(as_text=True)
        assert DONOR_HINT not in page and 'id="donor-letter-required"' not in page


def test_the_document_given_with_a_step_has_the_type_the_programme_requires(client, auth, office):
    _draft, grant = _grants(office, office.uk_case, office.caseworker_uk)
    auth.login("admin")
    _require_on_screen(client, office.uk, "payment_in_kind", "photo")
    auth.logout()
    auth.login("caseworker.uk")
    form = {"paid_on": datetime.now(UTC).date().isoformat(), "amount": "300", "mode": "in_kind",
            "receipt_reference": "R-7", "version": grant.version}
    response = client.post(f"/grants/{grant.id}/disburse", data=form, content_type="multipart/form-data")
    assert response.status_code == 422 and "requires a document of type “Photo”" in response.get_data(as_text=True)
    response = client.post(f"/grants/{grant.id}/disburse", content_type="multipart/form-data",
                           data={**form, "receipt": (io.BytesIO(PDF), "handover.pdf", "application/pdf")})
    assert response.status_code == 302
    document = only_document()
    assert (document.owner_type, document.document_type.value) == ("disbursement", "photo")
