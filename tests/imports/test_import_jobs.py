"""A confirmed import runs as a job of its own: the page follows it to its outcome, one confirmation
starts one import, and an import that cannot complete writes nothing and says why."""
from __future__ import annotations

import io
import os
import re
from datetime import timedelta

from sqlalchemy import func, select

from casework.audit.models import AuditEvent as AuditEntry
from casework.cases.models import Case, Person
from casework.extensions import db
from casework.imports.models import ImportBatch, ImportUpload
from tests.helpers import import_files as files
from tests.helpers.import_jobs import confirm_and_wait, follow
from tests.imports.test_import import PERSONS


def _upload(client, data, name="persons.csv"):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return client.post("/imports/", data={"kind": "persons", "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _token(page) -> str:
    return re.search(r'name="upload" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def _legacy_cases() -> int:
    return db.session.scalar(select(func.count()).select_from(Case).where(Case.legacy_reference.is_not(None)))


def _kept(app) -> list:
    folder = os.path.join(app.instance_path, "imports")
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def test_a_large_import_runs_in_the_background_and_its_page_shows_the_result(app, client, auth, office):
    auth.login("supervisor")
    token = _token(_upload(client, files.persons_csv(3000), name="legacy.csv"))
    response = client.post("/imports/confirm", data={"upload": token})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/imports/{token}/")
    page = follow(client, response.headers["Location"])
    html = page.get_data(as_text=True)
    assert "Imported: legacy.csv: 3000 rows; created 1500 cases and 3000 persons." in html
    assert _legacy_cases() == 1500 and db.session.scalar(select(func.count()).select_from(Person)) >= 3000
    batch = db.session.scalar(select(ImportBatch))
    assert batch.username == "supervisor" and batch.persons_created == 3000
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import_completed"))
    assert entry is not None and entry.username == "supervisor" and "legacy.csv" in entry.summary
    assert _kept(app) == []  # the file went with the import
    index = client.get("/imports/").get_data(as_text=True)
    assert f'href="/imports/{token}/">legacy.csv</a>' in index and "imported" in index  # its page, for an hour


def test_a_second_confirmation_starts_no_second_import(app, client, auth, office):
    auth.login("supervisor")
    token = _token(_upload(client, PERSONS))
    first = client.post("/imports/confirm", data={"upload": token})
    second = client.post("/imports/confirm", data={"upload": token})
    assert second.status_code == 302 and second.headers["Location"] == first.headers["Location"]
    follow(client, first.headers["Location"])
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 1
    cancel = client.post("/imports/cancel", data={"upload": token}, follow_redirects=True)
    assert "Imported: persons.csv" in cancel.get_data(as_text=True)  # its page, the import kept


def test_an_import_refused_when_it_runs_writes_nothing_and_its_page_says_why(app, client, auth, office):
    from casework.auth.models import User

    auth.login("supervisor")
    token = _token(_upload(client, files.persons_csv(400)))
    # Between the check and the confirmation the supervisor is moved to the British programme only.
    supervisor = db.session.scalar(select(User).where(User.username == "supervisor"))
    supervisor.programmes = [office.uk]
    db.session.commit()
    page = confirm_and_wait(client, token)
    html = page.get_data(as_text=True)
    assert "Nothing was imported." in html and "did not have when it was checked" in html
    assert "400 problems found." in html and "The first 200 are listed below." in html
    assert html.count("no programme with code AVR-CH (or not yours)") == 200
    assert _legacy_cases() == 0 and db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "import_completed")) == 0
    assert _kept(app) == []


def test_a_file_changed_on_disk_after_its_check_is_not_imported(app, client, auth, office):
    auth.login("supervisor")
    token = _token(_upload(client, PERSONS))
    with open(os.path.join(app.instance_path, "imports", token), "ab") as fh:
        fh.write(b"X/1,AVR-CH,Trojan,Horse,M,1980,principal\n")
    html = confirm_and_wait(client, token).get_data(as_text=True)
    assert "Nothing was imported." in html and "changed after it was checked" in html
    assert _legacy_cases() == 0 and _kept(app) == []


def test_the_page_of_a_running_import_refreshes_itself_and_cannot_be_cancelled(app, client, auth, office):
    from casework.db import utcnow

    auth.login("supervisor")
    token = _token(_upload(client, PERSONS))
    upload = db.session.scalar(select(ImportUpload).where(ImportUpload.token == token))
    upload.state, upload.confirmed_at = "running", utcnow()  # as its job marks it
    db.session.commit()
    html = client.get(f"/imports/{token}/").get_data(as_text=True)
    assert 'http-equiv="refresh"' in html and "The import is running" in html
    page = client.post("/imports/cancel", data={"upload": token}, follow_redirects=True)
    assert "cannot be cancelled" in page.get_data(as_text=True)
    assert _kept(app) == [token]


def test_a_running_import_keeps_its_file_for_an_hour_after_its_confirmation(app, client, auth, office, monkeypatch):
    from casework.db import utcnow
    from casework.imports import uploads

    auth.login("supervisor")
    token = _token(_upload(client, PERSONS))
    upload = db.session.scalar(select(ImportUpload).where(ImportUpload.token == token))
    now = utcnow()
    upload.state, upload.confirmed_at = "running", now + timedelta(minutes=50)
    db.session.commit()
    monkeypatch.setattr(uploads, "utcnow", lambda: now + timedelta(minutes=61))
    client.get("/imports/")
    assert _kept(app) == [token]  # an hour after the upload, but not after the confirmation
    monkeypatch.setattr(uploads, "utcnow", lambda: now + timedelta(minutes=111))
    client.get("/imports/")
    assert _kept(app) == []
    assert client.get(f"/imports/{token}/", follow_redirects=True).get_data(as_text=True).count("no longer available")


def test_the_job_command_refuses_an_upload_not_confirmed(app, runner, auth, client, office):
    auth.login("supervisor")
    token = _token(_upload(client, PERSONS))
    upload_id = db.session.scalar(select(ImportUpload.id).where(ImportUpload.token == token))
    result = runner.invoke(args=["import", "run", str(upload_id)])
    assert result.exit_code != 0 and "no confirmed import" in result.output
    assert _legacy_cases() == 0 and _kept(app) == [token]


def test_a_large_file_is_checked_in_the_background_and_its_page_then_offers_the_import(app, client, auth, office):
    app.config["IMPORT_INLINE_CHECK_BYTES"] = 1000
    auth.login("supervisor")
    response = _upload(client, files.persons_csv(600), name="big.csv")
    assert response.status_code == 302
    page = follow(client, response.headers["Location"])
    html = page.get_data(as_text=True)
    assert "Would create 300 cases and 600 persons." in html and "Import now" in html
    assert _legacy_cases() == 0  # the check writes nothing
    token = re.search(r'name="upload" type="hidden" value="([^"]+)"', html).group(1)
    done = confirm_and_wait(client, token).get_data(as_text=True)
    assert "Imported: big.csv: 600 rows; created 300 cases and 600 persons." in done
    assert _legacy_cases() == 300 and _kept(app) == []


def test_a_large_bad_file_lists_its_first_problems_and_offers_all_of_them(app, client, auth, office):
    import csv

    app.config["IMPORT_INLINE_CHECK_BYTES"] = 1000
    auth.login("supervisor")
    response = _upload(client, files.bad_rows_csv(150), name="bad.csv")
    html = follow(client, response.headers["Location"]).get_data(as_text=True)
    assert "300 problems found; nothing was imported" in html and "The first 200 are listed below." in html
    assert html.count("<tr><td>") == 200 and "Import now" not in html
    token = response.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    download = client.get(f"/imports/{token}/errors.csv")
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["row", "column", "problem"] and len(rows) == 301 and rows[-1][:2] == ["151", "sex"]
    assert all(os.stat(os.path.join(app.instance_path, "imports", name)).st_mode & 0o077 == 0 for name in _kept(app))
    assert sorted(_kept(app)) == sorted([token, f"{token}.errors.csv"])
    client.post("/imports/cancel", data={"upload": token})
    assert _kept(app) == [] and _legacy_cases() == 0


def test_a_large_file_refused_as_a_whole_is_refused_at_once(app, client, auth, office):
    app.config.update(IMPORT_INLINE_CHECK_BYTES=1000, IMPORT_MAX_ROWS=500)
    auth.login("supervisor")
    page = _upload(client, files.persons_csv(600))
    assert page.status_code == 422 and "more than 500 rows" in page.get_data(as_text=True)
