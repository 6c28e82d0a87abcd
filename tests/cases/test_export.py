"""Exporting the case list as CSV and XLSX: the filtered cases the user may see, safely."""
from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook

from casework.extensions import db


def _csv(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_export_follows_filters_and_visibility(client, auth, office, factory):
    factory.case(office.ch, arrival=date(2004, 2, 3), municipality="=HYPERLINK(\"x\")",
                 members=[factory.person("Ђорђевић", "Ђорђе")])
    db.session.commit()
    auth.login("caseworker")  # AVR-CH only
    rows = _csv(client.get("/cases/export?format=csv"))
    assert rows[0][:3] == ["Reference", "Legacy reference", "Programme"]
    assert {r[2] for r in rows[1:]} == {"AVR-CH"} and len(rows) == 3
    cyrillic = next(r for r in rows if r[3] == "Ђорђевић")
    assert cyrillic[4] == "Ђорђе" and cyrillic[6] == "2004-02-03" and cyrillic[7].startswith("'=")
    filtered = _csv(client.get("/cases/export?format=csv&arrived_to=2005-01-01"))
    assert [r[3] for r in filtered[1:]] == ["Ђорђевић"]


def test_xlsx_export_opens_with_dates_as_dates(client, auth, office):
    auth.login("supervisor")
    response = client.get("/cases/export?format=xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Reference" and len(rows) == 3
    assert {r[2] for r in rows[1:]} == {"AVR-CH", "VARRP-UK"}
    assert rows[1][6].date() == date(2010, 5, 1)


def test_export_is_for_staff_only_and_linked_from_the_list(client, auth, office):
    auth.login("donor.ch")
    assert client.get("/cases/export?format=csv").status_code == 403
    auth.logout()
    auth.login("caseworker")
    assert client.get("/cases/export?format=pdf").status_code == 404
    page = client.get("/cases/?status=arrived").get_data(as_text=True)
    assert "/cases/export?format=csv&amp;status=arrived" in page


def test_csv_export_streams_after_the_view_returns(app, client, auth, office):
    """Read as a WSGI server reads it: the body is produced after the request's view returned."""
    from werkzeug.test import EnvironBuilder

    auth.login("supervisor")
    environ = EnvironBuilder(path="/cases/export", query_string={"format": "csv"},
                             headers={"Cookie": f"session={client.get_cookie('session').value}"}).get_environ()
    status, chunks = [], []

    def serve():  # in a thread of its own, as a server would: no context of the test's
        body = app.wsgi_app(environ, lambda s, headers, exc_info=None: status.append(s))
        chunks.extend(body)
        getattr(body, "close", lambda: None)()

    import threading

    thread = threading.Thread(target=serve)
    thread.start()
    thread.join(timeout=30)
    assert status[0].startswith("200") and len(chunks) > 1
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8")[1:])))
    assert len(rows) == 3


def test_export_from_the_command_line(runner, office, tmp_path):
    path = tmp_path / "cases.csv"
    result = runner.invoke(args=["export-cases", str(path), "--programme", "VARRP-UK"])
    assert result.exit_code == 0, result.output
    assert "1 cases written" in result.output
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 2 and rows[1][2] == "VARRP-UK"
    xlsx = tmp_path / "cases.xlsx"
    assert runner.invoke(args=["export-cases", str(xlsx)]).exit_code == 0
    assert len(list(load_workbook(xlsx).active.iter_rows(values_only=True))) == 3


def _scratch_folder(monkeypatch, tmp_path):
    import tempfile

    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_xlsx_export_leaves_no_file_behind_on_head_get_or_error(client, auth, office, monkeypatch, tmp_path):
    folder = _scratch_folder(monkeypatch, tmp_path)
    auth.login("caseworker")
    head = client.head("/cases/export?format=xlsx")
    assert head.status_code == 200 and int(head.headers["Content-Length"]) > 0
    head.close()
    assert list(folder.rglob("*")) == []
    got = client.get("/cases/export?format=xlsx")
    assert got.data.startswith(b"PK")
    got.close()
    assert list(folder.rglob("*")) == []

    from casework.cases import export

    def broken(rows, path):
        with open(path, "wb") as fh:
            fh.write(b"half a workbook")
        raise RuntimeError("disk full")

    monkeypatch.setattr(export, "write_xlsx", broken)
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/cases/export?format=xlsx").status_code == 500
    assert list(folder.rglob("*")) == []
