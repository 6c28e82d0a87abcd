"""Donor reports in the programme's report language, whoever views or exports them."""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from datetime import date

from casework.extensions import db
from tests.factories import PASSWORD

YEAR = {"programme": "AVR-CH", "period": "2010"}


def _login(client, username, locale):
    client.post("/language", data={"locale": locale, "next": "/login"})
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302


def pdf_lang(pdf: bytes) -> str | None:
    """The /Lang of the PDF's catalog (WeasyPrint writes it from <html lang>), in compressed streams too."""
    chunks = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            pass
    for chunk in chunks:
        found = re.search(rb"/Lang\s*\(([^)]*)\)", chunk)
        if found:
            return found.group(1).decode()
    return None


def test_a_programme_reporting_in_english_exports_english_to_a_cyrillic_reader(client, office, factory):
    office.ch.report_language = "en"
    factory.case(office.ch, arrival=date(2010, 6, 1))
    db.session.commit()
    _login(client, "supervisor", "sr_Cyrl")
    page = client.get("/reports/", query_string=YEAR).get_data(as_text=True)
    assert "Cases and persons assisted" in page
    archive = zipfile.ZipFile(io.BytesIO(client.get("/reports/export.csv", query_string=YEAR).data))
    assert "Sex" in archive.read("04-by_sex.csv").decode("utf-8-sig").splitlines()[0]
    pdf = client.get("/reports/export.pdf", query_string=YEAR).data
    assert pdf_lang(pdf) == "en"
    # The rest of the interface stays in the reader's language.
    assert "Контролна табла" in client.get("/dashboard").get_data(as_text=True)


def test_a_programme_reporting_in_cyrillic_exports_cyrillic_to_an_english_reader(client, office, factory):
    office.ch.report_language = "sr_Cyrl"
    db.session.commit()
    _login(client, "supervisor", "en")
    archive = zipfile.ZipFile(io.BytesIO(client.get("/reports/export.csv", query_string=YEAR).data))
    headers = archive.read("04-by_sex.csv").decode("utf-8-sig").splitlines()
    assert headers[0].startswith("Пол") and "Женски" in "".join(headers)
    assert pdf_lang(client.get("/reports/export.pdf", query_string=YEAR).data) == "sr-Cyrl"


def test_without_a_report_language_the_report_follows_the_reader(client, office):
    _login(client, "donor.ch", "sr_Latn")
    assert pdf_lang(client.get("/reports/export.pdf", query_string=YEAR).data) == "sr-Latn"
    page = client.get("/reports/", query_string=YEAR).get_data(as_text=True)
    assert "Pomognuti slučajevi i osobe" in page


def test_the_admin_sets_the_report_language_on_the_programme_page(client, office):
    from tests.conftest import csrf_token_from

    _login(client, "admin", "en")
    form = client.get(f"/admin/programmes/{office.ch.id}").get_data(as_text=True)
    assert 'name="report_language"' in form
    data = {"csrf_token": csrf_token_from(form), "code": "AVR-CH", "name": office.ch.name,
            "donor": office.ch.donor.name, "currency": "CHF", "start_date": "2002-07-01",
            "decision_authority": "donor", "report_language": "sr_Latn", "release_calendar": "year"}
    assert client.post(f"/admin/programmes/{office.ch.id}", data=data).status_code == 302
    db.session.refresh(office.ch)
    assert office.ch.report_language == "sr_Latn"
    data["report_language"] = "xx"
    assert client.post(f"/admin/programmes/{office.ch.id}", data=data).status_code == 422
    db.session.refresh(office.ch)
    assert office.ch.report_language == "sr_Latn"
