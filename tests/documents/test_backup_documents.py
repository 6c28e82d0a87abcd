"""With the database backend, `casework backup` / `casework restore` give back every document
byte for byte: the content lives in the database, in the same backup as the records."""
from __future__ import annotations

import io

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from casework.extensions import db
from tests import factories
from tests.conftest import OWN_DATABASE_KINDS, make_app, own_database
from tests.documents.conftest import PDF, gps_jpeg, png


@pytest.fixture(params=OWN_DATABASE_KINDS)
def office_db(request, tmp_path):
    with own_database(request.param, tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            upgrade()
            office = factories.office()
            yield app, office
            db.session.remove()
            db.engine.dispose()


def _contents() -> dict[int, bytes]:
    from casework.documents.models import Document
    from casework.documents.storage import storage

    documents = db.session.scalars(select(Document).order_by(Document.id)).all()
    return {d.id: b"".join(storage().read(d.storage_key)) for d in documents}


@pytest.mark.parametrize("backend", ["database"])
def test_backup_and_restore_give_back_every_document_byte_for_byte(office_db, tmp_path):
    from casework.documents.models import Document
    from casework.documents.services import Upload, attach_document, remove_document

    app, office = office_db
    large = PDF + b"%" + bytes(range(256)) * 9000  # more than two storage pieces of 1 MiB
    files = [(office.ch_case, PDF, "passport.pdf", "identity"), (office.ch_case.persons[1], gps_jpeg(), "a.jpg", "photo"),
             (office.uk_case, png(), "scan.png", "other"), (office.uk_case, large, "agreement.pdf", "agreement")]
    for owner, data, name, kind in files:
        attach_document(owner, Upload(io.BytesIO(data), name), document_type=kind, title=name, actor=office.admin)
    db.session.commit()
    before = _contents()
    assert len(before) == 4 and before[1] == PDF and before[4] == large

    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", str(tmp_path / "office.backup")])
    assert result.exit_code == 0, result.output

    # After the backup: one document removed and purged, another added.
    first = db.session.get(Document, 1)
    remove_document(first, "wrong person", actor=office.admin)
    db.session.commit()
    assert runner.invoke(args=["documents", "purge", "--after-days", "0"]).exit_code == 0
    attach_document(office.ch_case, Upload(io.BytesIO(PDF + b"%later"), "later.pdf"), document_type="other",
                    title="later", actor=office.admin)
    db.session.commit()
    assert _contents().keys() != before.keys()

    result = runner.invoke(args=["restore", str(tmp_path / "office.backup"), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert _contents() == before
    assert all(d.removed_at is None for d in db.session.scalars(select(Document)))
    result = runner.invoke(args=["documents", "check"])
    assert result.exit_code == 0 and "4 document(s) checked" in result.output
