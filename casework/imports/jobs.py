"""A confirmed web import runs in a process of its own, so that no request waits for it; so does
the check (the dry run) of a large file.

A large upload is recorded as checking and `casework import run UPLOAD_ID` checks it: the
outcome (what it would create, the first problems and warnings, their counts) is kept on the
upload, every problem in a file beside it, and the upload waits for confirmation.
The confirmation marks the upload queued and starts `casework import run UPLOAD_ID`, detached
from the web worker. The job checks the file against the upload's checksum, runs the same
import as the command line (every row validated again, against the database as it is now) and
commits the import together with the upload's outcome: the import is all there or not at all.
When any row is bad, or anything else stops it, nothing is written and the upload records why.
Either way the file is deleted. The page of the upload follows its state.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

from flask import current_app

from casework.db import utcnow
from casework.extensions import db
from casework.imports import uploads
from casework.imports.models import ImportUpload, UploadState
from casework.transactions import run_in_transaction

ERRORS_KEPT = 200  # problems kept for the page; the count is kept too
IMPORT_ROLES = ("supervisor", "admin")
# Why a job imported nothing; the page words each (in the reader's language).
GONE, CHANGED, NOT_ALLOWED, REFUSED, UNEXPECTED = "gone", "changed", "not_allowed", "refused", "unexpected"


def start(app, upload: ImportUpload, locale: str) -> None:
    """Start the job of a claimed upload, detached: it outlives the request and the worker.
    `locale` is the confirming user's language, for the problems the job may find in rows."""
    env = {**os.environ,
           "CASEWORK_DATABASE_URL": db.engine.url.render_as_string(hide_password=False),
           "CASEWORK_INSTANCE_PATH": app.instance_path}
    subprocess.Popen([sys.executable, "-m", "casework", "import", "run", str(upload.id),
                      "--locale", locale], env=env,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True, close_fds=True)


def outcome(upload: ImportUpload) -> dict:
    return json.loads(upload.outcome) if upload.outcome else {}


def _finish(upload_id: int, state: str, **details) -> None:
    upload = db.session.get(ImportUpload, upload_id)
    if upload is None:  # expired while it ran
        return
    upload.state = state
    upload.finished_at = utcnow()
    upload.outcome = json.dumps(details)
    if "batch_id" in details:
        upload.batch_id = details["batch_id"]


def record_failure(upload_id: int, reason: str, errors=(), error_count: int = 0) -> None:
    """The upload's import ended without writing anything (in the caller's transaction)."""
    _finish(upload_id, UploadState.FAILED, reason=reason,
            errors=[[e.row, e.column, e.message] for e in errors[:ERRORS_KEPT]], error_count=error_count)


def _fail(upload_id: int, reason: str, errors=(), error_count: int = 0) -> None:
    run_in_transaction(lambda: record_failure(upload_id, reason, errors, error_count))


def _start_running(upload_id: int) -> ImportUpload | None:
    upload = db.session.get(ImportUpload, upload_id)
    if upload is None or upload.state not in (UploadState.QUEUED, UploadState.CHECKING):
        return None
    if upload.state == UploadState.QUEUED:
        upload.state = UploadState.RUNNING
    return upload


def check_outcome(result) -> dict:
    """What the page of a checked file shows: counts, and the first problems and warnings."""
    return {"check": {
        "rows": result.rows, "cases": result.cases, "persons": result.persons, "grants": result.grants,
        "skipped": result.skipped, "error_count": len(result.errors), "warning_count": len(result.warnings),
        "errors": [[e.row, e.column, e.message] for e in result.errors[:ERRORS_KEPT]],
        "warnings": [[w.row, w.column, w.message] for w in result.warnings[:ERRORS_KEPT]],
    }}


def _record_check(upload_id: int, result) -> None:
    upload = db.session.get(ImportUpload, upload_id)
    if upload is not None:
        upload.state = UploadState.PENDING
        upload.outcome = json.dumps(check_outcome(result))


def write_errors(path, errors) -> None:
    """Every problem, as the download lists them (owner-only: the rows quote personal data)."""
    import csv
    import io

    from casework.config import write_private

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([e.row, e.column, e.message] for e in errors)
    write_private(path, out.getvalue().encode("utf-8"))


def run(upload_id: int, locale: str = "en") -> str:
    """The job's body: import the upload's file or record why not. Returns the final state."""
    from flask_babel import force_locale

    from casework.i18n import valid_locale

    with force_locale(valid_locale(locale) or "en"):
        return _run(upload_id)


def _run(upload_id: int) -> str:
    from casework.auth.models import User
    from casework.auth.permissions import visible_programme_ids
    from casework.imports.parse import checksum
    from casework.imports.services import ImportRefused, import_file, import_or_refuse

    upload = run_in_transaction(lambda: _start_running(upload_id))
    if upload is None:
        return "absent"  # unknown, neither being checked nor confirmed, or already run
    folder = uploads.upload_folder(current_app.instance_path)
    token, kind, file_name, expected = upload.token, upload.kind, upload.file_name, upload.checksum
    user_id, checking = upload.user_id, upload.state == UploadState.CHECKING
    data = uploads.read_upload(folder, upload)
    ended = True  # the files go when the job ends, unless a checked file waits for confirmation
    try:
        if data is None:
            _fail(upload_id, GONE)
            return UploadState.FAILED
        if checksum(data) != expected:
            _fail(upload_id, CHANGED)
            return UploadState.FAILED
        user = db.session.get(User, user_id)
        if user is None or not user.is_active or user.role.value not in IMPORT_ROLES:
            _fail(upload_id, NOT_ALLOWED)
            return UploadState.FAILED
        allowed = visible_programme_ids(user)
        allowed = None if allowed is None else set(allowed)
        if checking:
            try:
                result = import_file(kind, data, file_name, user=user, dry_run=True, allowed_programme_ids=allowed)
                db.session.rollback()  # a dry run reads only
                if result.errors:
                    write_errors(uploads.errors_path(folder, token), result.errors)
                run_in_transaction(lambda: _record_check(upload_id, result))
            except Exception as error:
                _unexpected(upload_id, error)
                return UploadState.FAILED
            ended = False
            return UploadState.PENDING

        def import_and_record():
            result = import_or_refuse(kind, data, file_name, user=user, allowed_programme_ids=allowed)
            _finish(upload_id, UploadState.DONE, summary=result.summary(), batch_id=result.batch_id)
            return result

        try:
            run_in_transaction(import_and_record)
        except ImportRefused as refused:
            errors = refused.result.errors
            _fail(upload_id, REFUSED, errors, len(errors))
            return UploadState.FAILED
        except Exception as error:
            _unexpected(upload_id, error)
            return UploadState.FAILED
        return UploadState.DONE
    finally:
        if ended:
            uploads.delete_files(folder, token)


def _unexpected(upload_id: int, error: Exception) -> None:
    # Only the kind of error goes to the log: its text may quote the file's personal data.
    print(f"casework: import {upload_id} failed ({type(error).__name__})", file=sys.stderr)
    db.session.rollback()
    _fail(upload_id, UNEXPECTED)
