"""Documents in a real browser: a passport and a GPS-tagged photo attached and downloaded (the
photo without its metadata), a disguised HTML file and the EICAR file refused (the latter by the
real clamd), a payment in kind refused without its receipt and accepted with one, and a donor
refused the document's URL. Runs on the database and the S3 backend."""
from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from casework.extensions import db
from tests import factories
from tests.browser_steps import login, logout, open_tab
from tests.documents.conftest import EICAR, HTML_AS_PDF, PDF, gps_jpeg

pytestmark = pytest.mark.browser
FILE = "File (PDF, JPEG or PNG)"


@pytest.fixture
def seeded(live_server):
    from casework.documents.services import set_requirement
    from casework.grants.services import create_grant, decide, submit_grant

    with live_server.app.app_context():
        o = factories.office()
        set_requirement(o.uk, "payment_in_kind", "receipt")
        grant = create_grant(o.uk_case, {"category": "household", "plan": "Furniture", "requested_amount": "800"},
                             actor=o.caseworker_uk)
        submit_grant(grant, actor=o.caseworker_uk)
        decide(grant, o.supervisor, "approved")
        db.session.commit()
        live_server.case_id, live_server.grant_id = o.ch_case.id, grant.id
        db.session.remove()
    return live_server


def _attach(page, url, case_id, *, title, kind, name, data, mime, attach_to=None):
    page.goto(f"{url}/cases/{case_id}")
    open_tab(page, "Documents")
    page.get_by_role("link", name="Attach a document").click()
    if attach_to:
        page.get_by_label("Attached to").select_option(label=attach_to)
    page.get_by_label("Type").select_option(kind)
    page.get_by_label("Title").fill(title)
    page.get_by_label(FILE).set_input_files({"name": name, "mimeType": mime, "buffer": data})
    page.get_by_role("button", name="Attach the document").click()


def _download(page, title) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=title).click()
    return Path(info.value.path()).read_bytes()


def test_documents_end_to_end(seeded, page):
    url = seeded.url
    login(page, url, "caseworker")
    _attach(page, url, seeded.case_id, title="Passport", kind="identity", name="passport.pdf", data=PDF,
            mime="application/pdf")
    page.wait_for_selector("text=Document “Passport” attached.")
    photo = gps_jpeg()
    _attach(page, url, seeded.case_id, title="At home", kind="photo", name="IMG_2041.jpg", data=photo,
            mime="image/jpeg", attach_to="Member: Jelena Petrović")
    page.wait_for_selector("text=Document “At home” attached.")
    assert page.locator("table.documents img.thumbnail").count() == 1

    assert _download(page, "Passport") == PDF
    downloaded = Image.open(io.BytesIO(_download(page, "At home")))
    assert downloaded.format == "JPEG" and downloaded.size == (800, 600)
    assert not downloaded.getexif() and "comment" not in downloaded.info

    _attach(page, url, seeded.case_id, title="Passport copy", kind="identity", name="passport2.pdf",
            data=HTML_AS_PDF, mime="application/pdf")
    page.wait_for_selector("text=Only PDF, JPEG and PNG files are accepted")
    _attach(page, url, seeded.case_id, title="Invoice", kind="receipt", name="invoice.pdf", data=EICAR,
            mime="application/pdf")
    page.wait_for_selector("text=The virus scanner found a virus in this file")
    page.goto(f"{url}/cases/{seeded.case_id}")
    open_tab(page, "Documents")
    assert page.locator("table.documents tbody tr").count() == 2
    document_url = page.get_by_role("link", name="Passport").get_attribute("href")
    logout(page)

    login(page, url, "caseworker.uk")
    page.goto(f"{url}/grants/{seeded.grant_id}")
    page.wait_for_selector("text=with every payment in kind")
    page.get_by_label("Paid on").fill(datetime.now(UTC).date().isoformat())
    page.get_by_label("Amount paid").fill("300")
    page.get_by_label("Mode").select_option("in_kind")
    page.get_by_role("button", name="Record the payment").click()
    page.wait_for_selector("text=requires a document of type")
    assert "Nothing paid yet." in page.content()
    page.get_by_label("Receipt or handover certificate").set_input_files(
        {"name": "receipt.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_role("button", name="Record the payment").click()
    page.wait_for_selector("text=Payment recorded.")
    logout(page)

    login(page, url, "donor.ch")
    assert page.request.get(url + document_url, max_redirects=0).status == 403
