"""`casework report`: the published demo figures, the same on the page and in every export."""
from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

PERIOD = ["--programme", "AVR-CH", "--from", "2002-07-01", "--to", "2011-12-31"]


@pytest.fixture
def demo(demo_office):
    return demo_office


def _login_supervisor(app, client):
    from casework.auth.services import find_user, set_password
    from casework.extensions import db

    set_password(find_user("supervisor"), "correct horse battery staple")
    db.session.commit()
    assert client.post("/login", data={"username": "supervisor",
                                       "password": "correct horse battery staple"}).status_code == 302


def test_published_figures_everywhere(runner, app, client, demo, tmp_path):
    result = runner.invoke(args=["report", "totals", *PERIOD, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"cases": 221' in result.output and '"persons": 530' in result.output
    data = json.loads(result.output)
    assert data["from"] == "2002-07-01" and data["to"] == "2011-12-31" and data["programme"] == "AVR-CH"
    assert set(data["by_sex"]) == {"F", "M", "X"} and sum(data["by_sex"].values()) == 530
    assert sum(data["by_age_group"].values()) == 530
    assert set(data["grants"]) >= {"currency", "approved_count", "approved_amount", "rejected_count",
                                   "pending_count", "disbursed_amount"}
    assert data["grants"]["currency"] == "CHF" and isinstance(data["grants"]["approved_amount"], str)

    uk = json.loads(runner.invoke(args=["report", "totals", "--programme", "VARRP-UK", "--format", "json"]).output)
    assert uk["cases"] == 30 and uk["from"] == "2002-01-01"

    # The page and every export give the same figures.
    _login_supervisor(app, client)
    query = {"programme": "AVR-CH", "from": "2002-07-01", "to": "2011-12-31"}
    html = client.get("/reports/", query_string=query).get_data(as_text=True)
    assert 'id="headline-cases">221<' in html and 'id="headline-persons">530<' in html
    assert client.get("/reports/export.json", query_string=query).get_json()["persons"] == 530
    book = load_workbook(io.BytesIO(client.get("/reports/export.xlsx", query_string=query).data))
    assert [c.value for c in book["Totals"][2]][1] == 221
    assert [c.value for c in book["Totals"][3]][1] == 530
    archive = zipfile.ZipFile(io.BytesIO(client.get("/reports/export.csv", query_string=query).data))
    assert "Cases,221,221" in archive.read("02-totals.csv").decode("utf-8-sig")
    if shutil.which("pdftotext"):
        pdf = tmp_path / "r.pdf"
        pdf.write_bytes(client.get("/reports/export.pdf", query_string=query).data)
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert re.search(r"221 cases\s*·\s*530 persons", text)
    totals = client.get("/reports/totals", query_string={"on": "2011-12-31"}).get_data(as_text=True)
    assert "since 2002-07-01 until 2011-12-31, 221 cases or 530 persons" in totals


def test_totals_table_and_csv(runner, app, demo):
    table = runner.invoke(args=["report", "totals", *PERIOD])
    assert table.exit_code == 0 and re.search(r"^cases\s+221$", table.output, re.M)
    csv_out = runner.invoke(args=["report", "totals", *PERIOD, "--format", "csv"]).output
    assert "persons,530" in csv_out.splitlines() and "grants.currency,CHF" in csv_out.splitlines()


def test_export_to_files(runner, app, demo, tmp_path):
    for fmt in ("xlsx", "pdf", "csv", "json"):
        out = tmp_path / f"r.{fmt}"
        result = runner.invoke(args=["report", "export", "--programme", "AVR-CH", "--period", "2011",
                                     "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 200
    assert load_workbook(tmp_path / "r.xlsx").sheetnames[0] == "Report"
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert zipfile.ZipFile(tmp_path / "r.csv").namelist()[0] == "01-report.csv"
    assert json.loads((tmp_path / "r.json").read_text())["from"] == "2011-01-01"


def test_errors_are_one_line(runner, app, demo):
    result = runner.invoke(args=["report", "totals", "--programme", "NOPE"])
    assert result.exit_code != 0 and result.output.strip() == "casework: no programme with code NOPE"
    result = runner.invoke(args=["report", "totals", "--programme", "AVR-CH", "--from", "2011-12-31",
                                 "--to", "2011-01-01"])
    assert result.exit_code != 0 and "before it starts" in result.output
    result = runner.invoke(args=["report", "export", "--programme", "AVR-CH", "--period", "2011-Q9",
                                 "--format", "pdf", "-o", "x.pdf"])
    assert result.exit_code != 0 and "not a period" in result.output
