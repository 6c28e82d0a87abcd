"""Uploads kept only while their preview is open, confirmed by their server-side record; imports
bounded in rows, unpacked size, parts and declared size; bad rows listed 200 at a time."""
from __future__ import annotations

import csv
import io
import os
import re
import stat
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from casework.cases.models import Case
from casework.extensions import db
from casework.imports.models import ImportBatch
from tests.helpers import import_files as files
from tests.helpers.import_jobs import confirm_and_wait, follow
from tests.imports.test_import import PERSONS


def _upload(client, data, name="persons.csv", kind="persons"):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return client.post("/imports/", data={"kind": kind, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _token(html: str) -> str:
    return re.search(r'name="upload" type="hidden" value="([^"]+)"', html).group(1)


def _kept(app) -> list:
    folder = os.path.join(app.instance_path, "imports")
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def test_the_file_is_kept_owner_only_while_the_preview_is_open_and_deleted_on_confirmation(app, client, auth, office):
    old = os.umask(0o022)
    try:
        auth.login("supervisor")
        page = _upload(client, PERSONS)
    finally:
        os.umask(old)
    token = _token(page.get_data(as_text=True))
    assert _kept(app) == [token]
    path = os.path.join(app.instance_path, "imports", token)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
    done = confirm_and_wait(client, token)
    assert "Imported: persons.csv" in done.get_data(as_text=True)
    assert _kept(app) == []


def test_cancelling_deletes_the_file(app, client, auth, office):
    auth.login("supervisor")
    token = _token(_upload(client, PERSONS).get_data(as_text=True))
    page = client.post("/imports/cancel", data={"upload": token}, follow_redirects=True)
    assert "cancelled and the uploaded file deleted" in page.get_data(as_text=True)
    assert _kept(app) == []
    again = client.post("/imports/confirm", data={"upload": token}, follow_redirects=True)
    assert "no longer available" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_an_upload_left_open_is_deleted_after_an_hour(app, client, auth, office, monkeypatch):
    from casework.db import utcnow
    from casework.imports import uploads

    auth.login("supervisor")
    token = _token(_upload(client, PERSONS).get_data(as_text=True))
    stray = os.path.join(app.instance_path, "imports", "0" * 64)  # as an earlier version left them
    with open(stray, "wb") as fh:
        fh.write(b"Petrovic Jelena trafficking_victim")
    real_now = utcnow()
    monkeypatch.setattr(uploads, "utcnow", lambda: real_now + timedelta(minutes=59))
    client.get("/imports/")
    assert _kept(app) == sorted([token, "0" * 64])  # not yet
    later = real_now + timedelta(minutes=61)
    monkeypatch.setattr(uploads, "utcnow", lambda: later)
    os.utime(stray, (later.timestamp() - 3700, later.timestamp() - 3700))
    client.get("/imports/")
    assert _kept(app) == []
    page = client.post("/imports/confirm", data={"upload": token}, follow_redirects=True)
    assert "no longer available" in page.get_data(as_text=True)


def test_the_confirmation_trusts_only_the_server_side_record(app, client, auth, office):
    auth.login("supervisor")
    token = _token(_upload(client, PERSONS, name="real-persons.csv").get_data(as_text=True))
    response = client.post("/imports/confirm", data={"upload": token, "file_name": "harmless.csv", "kind": "grants",
                                                     "checksum": "0" * 64})
    follow(client, response.headers["Location"])
    batch = db.session.scalar(select(ImportBatch))
    assert batch.file_name == "real-persons.csv" and batch.kind == "persons"


def test_another_users_upload_cannot_be_confirmed(app, client, auth, office):
    auth.login("supervisor")
    token = _token(_upload(client, PERSONS).get_data(as_text=True))
    auth.logout()
    auth.login("admin")
    page = client.post("/imports/confirm", data={"upload": token}, follow_redirects=True)
    assert "no longer available" in page.get_data(as_text=True)
    assert client.get(f"/imports/{token}/errors.csv").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Case).where(Case.legacy_reference.is_not(None))) == 0


def test_earlier_imports_show_only_the_viewers_programmes(app, client, auth, office, factory):
    auth.login("admin")
    confirm_and_wait(client, _token(_upload(client, PERSONS, name="swiss.csv").get_data(as_text=True)))
    uk = files.persons_csv(2, programme="VARRP-UK").decode()
    confirm_and_wait(client, _token(_upload(client, uk, name="british.csv").get_data(as_text=True)))
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 2
    page = client.get("/imports/").get_data(as_text=True)
    assert "swiss.csv" in page and "british.csv" in page  # administrators see every programme
    auth.logout()
    uk_supervisor = factory.user("supervisor.uk", "supervisor", [office.uk])
    db.session.commit()
    auth.login(uk_supervisor.username)
    page = client.get("/imports/").get_data(as_text=True)
    assert "british.csv" in page and "swiss.csv" not in page


def test_a_file_over_the_row_limit_is_refused_before_any_row_is_checked(app, client, auth, office):
    app.config["IMPORT_MAX_ROWS"] = 5
    auth.login("supervisor")
    page = _upload(client, files.bad_rows_csv(6))
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "more than 5 rows" in html
    assert "1 problem found" in html and "is not F, M or X" not in html
    assert _upload(client, files.persons_csv(5)).status_code == 200


@pytest.mark.parametrize("bomb, message", [
    (lambda: files.dimension_bomb(), "more than 200,000 rows"),
    (lambda: files.doctype_xlsx(), "document type declaration (DOCTYPE)"),
    (lambda: files.unpacked_size_bomb(3), "unpacks to 3 MB; at most 2 MB"),
    (lambda: files.many_parts_xlsx(30), "parts; at most 20 are accepted"),
], ids=["dimension", "doctype", "unpacked-size", "parts"])
def test_xlsx_bombs_are_refused_with_a_clear_message(app, client, auth, office, bomb, message):
    app.config.update(IMPORT_XLSX_MAX_UNPACKED=2 * 1024 * 1024, IMPORT_XLSX_MAX_PARTS=20)
    auth.login("supervisor")
    page = _upload(client, bomb(), name="legacy.xlsx")
    assert page.status_code == 422
    assert message in page.get_data(as_text=True)


def test_a_sheet_declaring_too_many_columns_is_refused(app, client, auth, office):
    import zipfile

    data = files.small_persons_xlsx()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD3"/>', content)
            target.writestr(item.filename, content)
    auth.login("supervisor")
    page = _upload(client, out.getvalue(), name="wide.xlsx")
    assert page.status_code == 422 and "16,384 columns" in page.get_data(as_text=True)


def test_the_preview_lists_the_first_200_problems_and_offers_all_of_them(app, client, auth, office):
    auth.login("supervisor")
    page = _upload(client, files.bad_rows_csv(150))  # two problems a row
    html = page.get_data(as_text=True)
    assert "300 problems found" in html and "The first 200 are listed below." in html
    assert html.count("<tr><td>") == 200
    link = re.search(r'href="(/imports/[^"]+/errors\.csv)"', html).group(1)
    download = client.get(link)
    assert download.status_code == 200 and download.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["row", "column", "problem"] and len(rows) == 301
    assert rows[-1][:2] == ["151", "sex"]


def test_the_dry_run_checks_duplicates_in_a_few_statements_per_thousand_rows(app, client, auth, office):
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    auth.login("supervisor")
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = _upload(client, files.persons_csv(3000))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert page.status_code == 200 and "Would create 1500 cases and 3000 persons." in page.get_data(as_text=True)
    assert len(statements) < 40, len(statements)
