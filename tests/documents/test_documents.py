"""Documents through the pages, on the database and the S3 backend, with the real clamd."""
from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from PIL import Image
from sqlalchemy import event, func, select

from casework.audit.models import AuditEvent
from casework.documents.models import Document, DocumentChunk
from casework.extensions import db
from tests.documents.conftest import EICAR, HTML_AS_PDF, PDF, gps_jpeg, png


def upload(client, case, data: bytes, name: str, *, title="Passport", kind="identity", attach_to=None,
           declared="application/pdf"):
    return client.post(f"/cases/{case.id}/documents/new", content_type="multipart/form-data", data={
        "attach_to": attach_to or f"case:{case.id}", "document_type": kind, "title": title,
        "file": (io.BytesIO(data), name, declared)})


def only_document() -> Document:
    return db.session.scalars(select(Document)).one()


def actions() -> list[str]:
    return db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("document_%"))
                              .order_by(AuditEvent.id)).all()


def test_a_pdf_is_attached_listed_and_downloaded_as_an_attachment_byte_for_byte(client, auth, office):
    auth.login("caseworker")
    response = upload(client, office.ch_case, PDF, "pasoš Marko.pdf")
    assert response.status_code == 302
    page = client.get(f"/cases/{office.ch_case.id}?tab=documents").get_data(as_text=True)
    assert "Passport" in page and "Identity document" in page and "pasoš Marko.pdf" in page
    document = only_document()
    response = client.get(f"/documents/{document.id}", follow_redirects=False)
    if response.status_code == 302:  # S3: a short-lived signed link to the object store
        location = response.headers["Location"]
        assert "X-Amz-Expires=60" in location and "response-content-disposition=attachment" in location
        import urllib.request

        with urllib.request.urlopen(location) as remote:
            body, disposition = remote.read(), remote.headers["Content-Disposition"]
    else:
        assert response.status_code == 200
        body, disposition = response.data, response.headers["Content-Disposition"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert response.headers["Content-Type"] == "application/pdf"
    assert body == PDF
    assert disposition.startswith("attachment;")
    assert actions() == ["document_uploaded", "document_downloaded"]


def test_a_photo_loses_its_metadata_and_gets_a_thumbnail(client, auth, office):
    auth.login("caseworker")
    original = gps_jpeg()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the GPS position is there
    person = office.ch_case.persons[1]
    assert upload(client, office.ch_case, original, "IMG_2041.JPG", title="At home", kind="photo",
                  attach_to=f"person:{person.id}", declared="image/jpeg").status_code == 302
    document = only_document()
    assert (document.owner_type, document.owner_id, document.content_type) == ("person", person.id, "image/jpeg")
    from casework.documents.storage import storage

    stored = b"".join(storage().read(document.storage_key))
    cleaned = Image.open(io.BytesIO(stored))
    assert cleaned.size == (800, 600)
    assert not cleaned.getexif() and "exif" not in cleaned.info and "comment" not in cleaned.info
    assert b"Casework Test Camera" not in stored and b"returnee's home" not in stored
    thumb = client.get(f"/documents/{document.id}/thumbnail")
    assert thumb.status_code == 200 and thumb.headers["X-Content-Type-Options"] == "nosniff"
    assert max(Image.open(io.BytesIO(thumb.data)).size) <= 320


def test_a_png_is_kept_as_png(client, auth, office):
    auth.login("caseworker")
    assert upload(client, office.ch_case, png(), "scan.png", kind="other", declared="image/png").status_code == 302
    assert only_document().content_type == "image/png"


@pytest.mark.parametrize("data,name,message", [
    (HTML_AS_PDF, "passport.pdf", "Only PDF, JPEG and PNG files are accepted"),
    (b"GIF89a" + b"\0" * 40, "photo.jpg", "Only PDF, JPEG and PNG files are accepted"),
    (b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 10, "photo.jpg", "This image cannot be read"),
    (EICAR, "invoice.pdf", "The virus scanner found a virus"),
    (EICAR + b"\n" + PDF, "invoice.pdf", "The virus scanner found a virus"),
])
def test_a_file_that_is_not_what_it_claims_or_carries_a_virus_is_refused_and_nothing_is_kept(
        client, auth, office, data, name, message):
    auth.login("caseworker")
    response = upload(client, office.ch_case, data, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0
    assert db.session.scalar(select(func.count()).select_from(DocumentChunk)) == 0


def test_the_scanner_configured_but_unreachable_refuses_every_upload(client, auth, office, app, tmp_path):
    app.config["CASEWORK_CLAMD"] = f"unix:{tmp_path / 'no-clamd.sock'}"
    auth.login("caseworker")
    response = upload(client, office.ch_case, PDF, "passport.pdf")
    assert response.status_code == 422
    assert "The virus scanner cannot be reached" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0


def test_limits_per_file_and_per_case(client, auth, office, app):
    app.config["CASEWORK_DOCUMENT_MAX_BYTES"] = 1024 * 1024
    app.config["CASEWORK_CASE_DOCUMENTS_MAX_BYTES"] = 1536 * 1024
    auth.login("caseworker")
    big = PDF + b"%" + b"x" * (1024 * 1024)
    response = upload(client, office.ch_case, big, "big.pdf")
    assert response.status_code == 422 and "larger than the limit of 1 MB" in response.get_data(as_text=True)
    almost = PDF + b"%" + b"x" * (900 * 1024)
    assert upload(client, office.ch_case, almost, "first.pdf").status_code == 302
    response = upload(client, office.ch_case, almost, "second.pdf")
    assert response.status_code == 422 and "would exceed its limit of 1.5 MB" in response.get_data(as_text=True)
    assert upload(client, office.uk_case, almost, "other case.pdf").status_code in (302, 404)


def test_a_donor_gets_403_and_another_programme_404_on_the_document(client, auth, office):
    auth.login("caseworker")
    upload(client, office.ch_case, PDF, "passport.pdf")
    document_id = only_document().id
    auth.logout()
    auth.login("donor.ch")
    assert client.get(f"/documents/{document_id}").status_code == 403
    assert client.get(f"/documents/{document_id}/thumbnail").status_code == 403
    auth.logout()
    auth.login("caseworker.uk")
    assert client.get(f"/documents/{document_id}").status_code == 404
    assert client.post(f"/documents/{document_id}/remove", data={"reason": "x"}).status_code == 404
    assert "document_downloaded" not in actions()


def test_the_case_page_lists_documents_without_reading_their_content(client, auth, office):
    auth.login("caseworker")
    for n in range(3):
        upload(client, office.ch_case, PDF, f"doc{n}.pdf", title=f"Document {n}")
    statements = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        page = client.get(f"/cases/{office.ch_case.id}").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert all(f"Document {n}" in page for n in range(3))
    assert not [s for s in statements if "document_chunks" in s]


def test_removal_keeps_the_record_and_purge_deletes_the_content_after_the_period(client, auth, office, app):
    from casework.documents.storage import storage

    auth.login("caseworker")
    upload(client, office.ch_case, gps_jpeg(), "photo.jpg", kind="photo", title="Photo", declared="image/jpeg")
    document = only_document()
    assert client.post(f"/documents/{document.id}/remove", data={"reason": ""}).status_code == 302
    assert only_document().removed_at is None
    client.post(f"/documents/{document.id}/remove", data={"reason": "Uploaded to the wrong case"})
    db.session.expire_all()
    document = only_document()
    assert document.removed_at is not None and document.removal_reason == "Uploaded to the wrong case"
    assert client.get(f"/documents/{document.id}").status_code == 410
    page = client.get(f"/cases/{office.ch_case.id}?tab=documents").get_data(as_text=True)
    assert "Uploaded to the wrong case" in page
    runner = app.test_cli_runner()
    result = runner.invoke(args=["documents", "purge"])  # the default period has not passed
    assert result.exit_code == 0 and "Content of 0 removed documents purged" in result.output
    assert storage().exists(document.storage_key)
    result = runner.invoke(args=["documents", "purge", "--after-days", "0"])
    assert result.exit_code == 0 and "Content of 1 removed document purged" in result.output
    db.session.expire_all()
    document = only_document()
    assert document.purged_at is not None and document.title == "Photo"
    assert not storage().exists(document.storage_key) and not storage().exists(document.thumbnail_key)
    assert actions() == ["document_uploaded", "document_removed", "document_purged"]


def test_check_reads_every_document_back(client, auth, office, app):
    auth.login("caseworker")
    upload(client, office.ch_case, PDF, "passport.pdf")
    result = app.test_cli_runner().invoke(args=["documents", "check"])
    assert result.exit_code == 0 and "1 document(s) checked" in result.output


# --- requirements before a step ------------------------------------------------------------

def _require(app, step, kind):
    result = app.test_cli_runner().invoke(args=["documents", "require", "--programme", "AVR-CH", "--step", step,
                                                "--type", kind])
    assert result.exit_code == 0, result.output


def test_an_identity_document_before_a_grant_is_submitted(client, auth, office, app):
    from casework.grants.services import create_grant

    _require(app, "grant_submit", "identity")
    grant = create_grant(office.ch_case, {"category": "housing", "plan": "Roof", "requested_amount": "900"},
                         actor=office.caseworker)
    db.session.commit()
    auth.login("caseworker")
    page = client.get(f"/grants/{grant.id}").get_data(as_text=True)
    assert "Missing before this grant can be submitted" in page and "Identity document" in page
    client.post(f"/grants/{grant.id}/submit", data={"version": grant.version})
    assert "requires a document of type" in client.get(f"/grants/{grant.id}").get_data(as_text=True)
    db.session.expire_all()
    assert grant.status.value == "draft"
    upload(client, office.ch_case, PDF, "id.pdf", attach_to=f"person:{office.ch_case.persons[0].id}")
    assert "Missing before" not in client.get(f"/grants/{grant.id}").get_data(as_text=True)
    client.post(f"/grants/{grant.id}/submit", data={"version": grant.version})
    db.session.expire_all()
    assert grant.status.value == "submitted"


def _approved_grant(office):
    from casework.grants.services import create_grant, decide, submit_grant

    grant = create_grant(office.uk_case, {"category": "household", "plan": "Furniture", "requested_amount": "800"},
                         actor=office.caseworker_uk)
    submit_grant(grant, actor=office.caseworker_uk)
    decide(grant, office.supervisor, "approved")
    db.session.commit()
    return grant


def test_a_payment_in_kind_needs_its_receipt(client, auth, office, app):
    result = app.test_cli_runner().invoke(args=["documents", "require", "--programme", "VARRP-UK", "--step",
                                                "payment_in_kind", "--type", "receipt"])
    assert result.exit_code == 0
    grant = _approved_grant(office)
    auth.login("caseworker.uk")
    assert "with every payment in kind" in client.get(f"/grants/{grant.id}").get_data(as_text=True)
    paid = datetime.now(UTC).date().isoformat()  # the day of the approval
    form = {"paid_on": paid, "amount": "300", "mode": "in_kind", "receipt_reference": "R-7", "version": grant.version}
    response = client.post(f"/grants/{grant.id}/disburse", data=form, content_type="multipart/form-data")
    assert response.status_code == 422 and "requires a document of type" in response.get_data(as_text=True)
    assert not grant.disbursements
    response = client.post(f"/grants/{grant.id}/disburse", content_type="multipart/form-data",
                           data={**form, "receipt": (io.BytesIO(PDF), "receipt.pdf", "application/pdf")})
    assert response.status_code == 302
    db.session.expire_all()
    payment = grant.disbursements[0]
    document = only_document()
    assert (document.owner_type, document.owner_id, document.document_type.value) == \
        ("disbursement", payment.id, "receipt")
    # A cash payment needs none.
    response = client.post(f"/grants/{grant.id}/disburse", content_type="multipart/form-data",
                           data={**form, "mode": "cash", "amount": "100"})
    assert response.status_code == 302


def test_a_donor_decision_needs_the_donors_letter(client, auth, office, app):
    from casework.grants.services import create_grant, decide, submit_grant

    _require(app, "donor_decision", "donor_letter")
    grant = create_grant(office.ch_case, {"category": "business", "plan": "Bakery", "requested_amount": "2000"},
                         actor=office.caseworker)
    submit_grant(grant, actor=office.caseworker)
    decide(grant, office.supervisor, "approved")
    db.session.commit()
    auth.login("supervisor2")
    assert "with every donor decision" in client.get(f"/grants/{grant.id}/decide").get_data(as_text=True)
    form = {"outcome": "approved", "authority_reference": "FOM-2011-0457",
            "authority_letter_date": datetime.now(UTC).date().isoformat(), "version": grant.version}
    response = client.post(f"/grants/{grant.id}/decide", data=form, content_type="multipart/form-data")
    assert response.status_code == 422 and "requires a document of type" in response.get_data(as_text=True)
    response = client.post(f"/grants/{grant.id}/decide", content_type="multipart/form-data",
                           data={**form, "letter": (io.BytesIO(PDF), "letter.pdf", "application/pdf")})
    assert response.status_code == 302
    document = only_document()
    assert document.owner_type == "decision" and document.title == "Donor's letter FOM-2011-0457"


def test_the_grant_page_lists_the_receipt_of_its_payment(client, auth, office):
    from casework.documents.services import Upload
    from casework.grants.services import record_disbursement

    grant = _approved_grant(office)
    record_disbursement(grant, office.caseworker_uk, paid_on=datetime.now(UTC).date(), amount="100",
                        mode="cash", receipt=Upload(io.BytesIO(PDF), "receipt.pdf"))
    db.session.commit()
    auth.login("caseworker.uk")
    page = client.get(f"/grants/{grant.id}").get_data(as_text=True)
    assert "Receipt for the payment of" in page and f"/documents/{only_document().id}" in page


@pytest.mark.database_independent
@pytest.mark.parametrize("backend", ["s3"])
def test_an_object_written_by_a_transaction_that_rolls_back_is_deleted(office):
    from casework.documents.services import Upload, attach_document
    from casework.documents.storage import storage

    document = attach_document(office.ch_case, Upload(io.BytesIO(PDF), "a.pdf"), document_type="other", title="A")
    key = document.storage_key
    assert storage().exists(key)
    db.session.rollback()
    assert not storage().exists(key)


def test_the_command_line_donor_decision_takes_the_letter_too(office, app, tmp_path):
    from casework.grants.services import create_grant, decide, submit_grant

    _require(app, "donor_decision", "donor_letter")
    grant = create_grant(office.ch_case, {"category": "business", "plan": "Bakery", "requested_amount": "2000"},
                         actor=office.caseworker)
    submit_grant(grant, actor=office.caseworker)
    decide(grant, office.supervisor, "approved")
    db.session.commit()
    args = ["grants", "decide", str(grant.id), "--user", "supervisor2", "--outcome", "approved",
            "--letter-number", "FOM-7", "--letter-date", datetime.now(UTC).date().isoformat()]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0 and "requires a document of type" in result.output
    (tmp_path / "letter.pdf").write_bytes(PDF)
    result = app.test_cli_runner().invoke(args=[*args, "--letter-file", str(tmp_path / "letter.pdf")])
    assert result.exit_code == 0, result.output
    assert only_document().owner_type == "decision"
