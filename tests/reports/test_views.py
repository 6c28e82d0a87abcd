"""The report page, exports, submitted reports and project totals, through the web client."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.extensions import db

YEAR_2010 = {"programme": "AVR-CH", "period": "2010"}


def _login(client, username):
    response = client.post("/login", data={"username": username, "password": "correct horse battery staple"})
    assert response.status_code == 302


@pytest.fixture
def year_2010(office, factory):
    """AVR-CH in 2010: the office case (2 persons) plus a small family from Kraljevo."""
    factory.case(office.ch, arrival=date(2010, 11, 3), municipality="Kraljevo", members=[
        factory.person("Šećerović", "Emina", sex="F", year=1950),
        factory.person("Šećerović", "Edin", year=1948, relationship="spouse", travelled=False),
    ])
    db.session.commit()
    return office


def test_supervisor_sees_figures_charts_and_tables(client, year_2010):
    _login(client, "supervisor")
    html = client.get("/reports/", query_string=YEAR_2010).get_data(as_text=True)
    assert re.search(r'id="headline-cases">2<', html) and re.search(r'id="headline-persons">3<', html)
    assert html.count('src="data:image/svg+xml;base64,') == 4  # arrivals, sex, age, grants
    assert 'id="table-by_age_group"' in html and "Kraljevo" in html
    assert "<script" not in html


def test_caseworker_has_no_reports(client, office):
    _login(client, "caseworker")
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/export.json", query_string=YEAR_2010).status_code == 403
    assert client.get("/reports/totals").status_code == 403


def test_donor_sees_aggregates_of_their_programme_only(client, year_2010):
    _login(client, "donor.ch")
    response = client.get("/reports/", query_string=YEAR_2010)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for personal in ("Petrović", "Šećerović", "Emina", year_2010.ch_case.reference, "/cases/"):
        assert personal not in html
    assert client.get("/reports/", query_string={"programme": "VARRP-UK"}).status_code == 404
    assert client.get("/reports/export.pdf", query_string={"programme": "VARRP-UK", "period": "2010"}).status_code == 404
    assert client.get("/reports/", query_string={"programme": "NOPE"}).status_code == 404
    totals = client.get("/reports/totals").get_data(as_text=True)
    assert "AVR-CH" in totals and "VARRP-UK" not in totals


def _case_urls(app, office):
    person_id = office.ch_case.persons[0].id
    values = {"case_id": office.ch_case.id, "person_id": person_id}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("cases.") or set(rule.arguments) & {"case_id", "person_id"}:
            url = rule.build({a: values.get(a, 1) for a in rule.arguments})[1]
            method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
            yield method, url


def test_donor_gets_403_or_404_on_every_case_url(app, client, office):
    _login(client, "donor.ch")
    urls = list(_case_urls(app, office))
    assert len(urls) >= 6
    for method, url in urls:
        response = client.open(url, method=method)
        assert response.status_code in (403, 404), (method, url, response.status_code)
        assert "Petrović" not in response.get_data(as_text=True)


def test_small_cell_threshold_masks_breakdowns_for_donors(client, year_2010):
    year_2010.ch.small_cell_threshold = 5
    db.session.commit()
    _login(client, "donor.ch")
    html = client.get("/reports/", query_string=YEAR_2010).get_data(as_text=True)
    assert "&lt;5" in html
    assert re.search(r'id="headline-persons">3<', html)  # totals are not masked
    data = client.get("/reports/export.json", query_string=YEAR_2010).get_json()
    assert data["by_sex"] == {"F": "<5", "M": "<5", "X": 0}
    assert data["persons"] == 3
    client.post("/logout")
    _login(client, "supervisor")
    assert client.get("/reports/export.json", query_string=YEAR_2010).get_json()["by_sex"] == {"F": 2, "M": 1, "X": 0}


def test_exports_parse_and_are_audited(client, year_2010):
    _login(client, "supervisor")
    response = client.get("/reports/export.xlsx", query_string=YEAR_2010)
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    totals = book["Totals"]
    assert [c.value for c in totals[2]] == ["Cases", 2, 2] and [c.value for c in totals[3]] == ["Persons", 3, 3]
    report = book["Report"]
    assert report["B4"].value.date() == date(2010, 1, 1) and report["B4"].is_date
    assert book["Budget"]["B3"].number_format == "#,##0.00"

    archive = zipfile.ZipFile(io.BytesIO(client.get("/reports/export.csv", query_string=YEAR_2010).data))
    assert "02-totals.csv" in archive.namelist()
    assert "Persons,3,3" in archive.read("02-totals.csv").decode("utf-8-sig")

    assert client.get("/reports/export.json", query_string=YEAR_2010).get_json()["persons"] == 3
    pdf = client.get("/reports/export.pdf", query_string=YEAR_2010)
    assert pdf.data.startswith(b"%PDF")
    assert client.get("/reports/export.doc", query_string=YEAR_2010).status_code == 404

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report_exported")).all()
    assert [(e.username, e.changes["format"]) for e in events] == [
        ("supervisor", "xlsx"), ("supervisor", "csv"), ("supervisor", "json"), ("supervisor", "pdf")]
    assert all(e.changes["from"] == "2010-01-01" and e.changes["to"] == "2010-12-31" for e in events)


def test_submitted_report_is_frozen_and_shows_differences(client, year_2010, factory):
    _login(client, "supervisor")
    response = client.post("/reports/submit", data={"programme": "AVR-CH", "start": "2010-01-01", "end": "2010-12-31"})
    assert response.status_code == 302
    report_url = response.headers["Location"]
    html = client.get(report_url).get_data(as_text=True)
    assert 'id="no-changes"' in html

    # Data entered later: one more case that arrived in 2010.
    factory.case(year_2010.ch, arrival=date(2010, 12, 31), members=[factory.person("Hadžić", "Senad")])
    db.session.commit()
    html = client.get(report_url).get_data(as_text=True)
    changes = html.split('id="changes"')[1].split("</table>")[0]
    assert re.search(r"<td>Cases in the period</td><td class=\"num\">2</td><td class=\"num\">3</td>", changes)
    assert re.search(r"<td>Persons in the period</td><td class=\"num\">3</td><td class=\"num\">4</td>", changes)
    assert re.search(r"<td>Persons by sex: Male</td><td class=\"num\">1</td><td class=\"num\">2</td>", changes)
    assert "Arrivals by month: 2010-12, cases" in changes
    frozen = client.get(report_url + "/export.json").get_json()
    assert (frozen["cases"], frozen["persons"]) == (2, 3)  # never silently rewritten
    live = client.get("/reports/export.json", query_string=YEAR_2010).get_json()
    assert (live["cases"], live["persons"]) == (3, 4)
    client.post("/logout")

    _login(client, "donor.ch")
    listing = client.get("/reports/").get_data(as_text=True)
    assert report_url.split("localhost")[-1] in listing
    assert client.get(report_url).status_code == 200
    assert client.get(report_url + "/export.xlsx").status_code == 200
    assert client.post("/reports/submit", data={"programme": "AVR-CH", "start": "2010-01-01",
                                                "end": "2010-12-31"}).status_code == 403
    client.post("/logout")

    _login(client, "donor.uk")
    assert client.get(report_url).status_code == 404
    assert client.get(report_url + "/export.pdf").status_code == 404
    assert report_url.split("localhost")[-1] not in client.get("/reports/").get_data(as_text=True)


def test_project_totals_side_by_side(client, year_2010):
    _login(client, "admin")
    html = client.get("/reports/totals", query_string={"on": "2011-12-31"}).get_data(as_text=True)
    assert "AVR-CH: since 2002-07-01 until 2011-12-31, 2 cases or 3 persons." in html
    assert "VARRP-UK: since 2002-01-01 until 2011-12-31, 1 case or 1 person." in html
    assert "Project totals" in client.get("/dashboard").get_data(as_text=True)


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")
def test_pdf_draws_its_charts(client, year_2010, tmp_path):
    from PIL import Image

    _login(client, "supervisor")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(client.get("/reports/export.pdf", query_string=YEAR_2010).data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Swiss Federal Office for Migration" in text and "2010-01-01" in text and "Arrivals per month" in text
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    # The bars of the arrivals chart are drawn in the report's blue.
    blue = sum(n for n, (r, g, b) in page.getcolors(1 << 20)
               if abs(r - 0x1f) < 30 and abs(g - 0x5f) < 30 and abs(b - 0x99) < 30)
    assert blue > 50


def test_exports_neutralise_formulas_and_mask_for_donors(client, office, factory):
    factory.case(office.ch, arrival=date(2010, 6, 1), municipality='=HYPERLINK("http://x","y")',
                 members=[factory.person("Ramić", "Aida", sex="F", year=1990)])
    office.ch.small_cell_threshold = 3
    db.session.commit()
    _login(client, "donor.ch")
    archive = zipfile.ZipFile(io.BytesIO(client.get("/reports/export.csv", query_string=YEAR_2010).data))
    municipalities = archive.read("06-by_municipality.csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in municipalities and "\n=HYPERLINK" not in municipalities
    book = load_workbook(io.BytesIO(client.get("/reports/export.xlsx", query_string=YEAR_2010).data))
    sheet = book["By municipality"]
    cells = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2)}
    assert cells["'=HYPERLINK(\"http://x\",\"y\")"] == "<3" and cells["Niš"] == "<3"
    assert book["Totals"]["B3"].value == 3  # totals stay exact numbers


def test_a_bad_period_is_explained_not_guessed(client, office):
    _login(client, "supervisor")
    response = client.get("/reports/", query_string={"programme": "AVR-CH", "period": "2011-Q5"})
    assert response.status_code == 400 and "is not a period like 2011" in response.get_data(as_text=True)
    response = client.get("/reports/", query_string={"programme": "AVR-CH", "from": "2011-12-31", "to": "2011-01-01"})
    assert response.status_code == 400 and "before it starts" in response.get_data(as_text=True)
    assert client.get("/reports/export.csv", query_string={"programme": "AVR-CH", "from": "31/12"}).status_code == 400


def test_donor_sees_changed_totals_but_not_small_breakdown_changes(client, year_2010, factory):
    year_2010.ch.small_cell_threshold = 5
    db.session.commit()
    _login(client, "supervisor")
    report_url = client.post("/reports/submit", data={"programme": "AVR-CH", "start": "2010-01-01",
                                                      "end": "2010-12-31"}).headers["Location"]
    factory.case(year_2010.ch, arrival=date(2010, 7, 7), members=[factory.person("Hodžić", "Azra", sex="F")])
    db.session.commit()
    assert "Persons by sex: Female" in client.get(report_url).get_data(as_text=True)
    client.post("/logout")
    _login(client, "donor.ch")
    html = client.get(report_url).get_data(as_text=True)
    assert "Persons in the period" in html and "Persons by sex" not in html.split('id="changes"')[1].split("</table>")[0]
