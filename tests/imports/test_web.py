"""Uploading a legacy file in the browser's form: preview, then confirm; same engine as the CLI."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from casework.cases.models import Case
from casework.extensions import db
from casework.imports.models import ImportBatch
from tests.helpers.import_jobs import confirm_and_wait
from tests.imports.test_import import PERSONS


def _upload(client, text, name="persons.csv", kind="persons"):
    return client.post("/imports/", data={"kind": kind, "file": (io.BytesIO(text.encode("utf-8")), name)},
                       content_type="multipart/form-data")


def test_supervisor_previews_then_confirms(client, auth, office):
    auth.login("supervisor")
    page = _upload(client, PERSONS)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Would create 4 cases and 8 persons." in html
    legacy = select(func.count()).select_from(Case).where(Case.legacy_reference.is_not(None))
    assert db.session.scalar(legacy) == 0  # the preview writes nothing
    import re

    token = re.search(r'name="upload" type="hidden" value="([^"]*)"', html).group(1)
    done = confirm_and_wait(client, token)
    assert "Imported: persons.csv: 8 rows; created 4 cases and 8 persons." in done.get_data(as_text=True)
    assert db.session.scalar(legacy) == 4
    batch = db.session.scalar(select(ImportBatch))
    assert batch.username == "supervisor" and batch.file_name == "persons.csv"
    assert "persons.csv" in client.get("/imports/").get_data(as_text=True)


def test_bad_upload_lists_rows_and_offers_no_confirmation(client, auth, office):
    auth.login("admin")
    page = _upload(client, "case_ref,programme,family_name,given_name,sex,date_of_birth,relationship\n"
                           "A,AVR-CH,Ilić,Ana,Q,1990,principal\nB,AVR-CH,Ilić,Ivo,M,year,principal\n")
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "2 problems found; nothing was imported" in html
    assert "<td>2</td><td>sex</td>" in html and "<td>3</td><td>date_of_birth</td>" in html
    assert "Import now" not in html


def test_only_supervisors_and_admins_import(client, auth, office):
    auth.login("caseworker")
    assert client.get("/imports/").status_code == 403
    assert _upload(client, PERSONS).status_code == 403
    auth.logout()
    auth.login("donor.ch")
    assert client.get("/imports/").status_code == 403


def test_supervisor_imports_only_into_own_programmes(client, auth, office, factory):
    from casework.auth.models import User

    sup = db.session.scalar(select(User).where(User.username == "supervisor"))
    sup.programmes = [office.uk]
    db.session.commit()
    auth.login("supervisor")
    page = _upload(client, PERSONS)
    assert page.status_code == 422 and "no programme with code AVR-CH" in page.get_data(as_text=True)
