"""Supervisors and administrators upload a legacy file, see the dry run, and confirm it."""
from __future__ import annotations

import itertools
import time
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField

from casework.auth.models import Role
from casework.auth.permissions import roles_required, visible_programme_ids
from casework.exports import csv_stream
from casework.extensions import db
from casework.imports import jobs, services, uploads
from casework.imports.models import UploadState
from casework.imports.parse import checksum
from casework.loading import found_or_404
from casework.transactions import run_in_transaction

bp = Blueprint("imports", __name__, url_prefix="/imports")
IMPORT_ROLES = (Role.SUPERVISOR, Role.ADMIN)
KIND_LABELS = {"persons": _l("Persons (one row per person)"), "grants": _l("Grants (one row per grant)")}
ERRORS_SHOWN = 200  # the preview lists this many problems; the whole list is a download
PURGE_EVERY = 60  # seconds between two clean-ups of expired uploads in one worker


class UploadForm(FlaskForm):
    kind = SelectField(_l("Kind of file"), choices=list(KIND_LABELS.items()))
    file = FileField(_l("File (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file."))])


class UploadActionForm(FlaskForm):
    """Confirm or cancel: names the server-side upload record, nothing else."""
    upload = HiddenField()


def _folder() -> Path:
    return uploads.upload_folder(current_app.instance_path)


def _allowed():
    ids = visible_programme_ids(current_user)
    return None if ids is None else set(ids)


def _purge() -> None:
    expired = run_in_transaction(uploads.forget_expired)
    uploads.remove_stray_files(_folder(), expired)
    current_app.extensions["imports_purged_at"] = time.monotonic()


def _purge_now_and_then() -> None:
    """Expired uploads go within a minute of their hour even when nobody opens the import page."""
    last = current_app.extensions.get("imports_purged_at")
    if last is None or time.monotonic() - last > PURGE_EVERY:
        _purge()


def _dry_run(upload, data: bytes):
    result = services.import_file(upload.kind, data, upload.file_name, user=current_user, dry_run=True,
                                  allowed_programme_ids=_allowed())
    db.session.rollback()
    return result


def _preview(result, upload, status, counts=None):
    """The dry run's page; `counts` (of a file checked in the background) gives the number of
    problems and warnings, of which `result` holds the first."""
    action = UploadActionForm(upload=upload.token) if upload is not None else None
    counts = counts or {"error_count": len(result.errors), "warning_count": len(result.warnings)}
    return render_template("imports/preview.html", result=result, action=action, upload=upload,
                           errors_shown=ERRORS_SHOWN, error_count=counts["error_count"],
                           warning_count=counts["warning_count"]), status


def _checked_result(upload, check: dict) -> services.ImportResult:
    return services.ImportResult(
        kind=upload.kind, file_name=upload.file_name, checksum=upload.checksum, dry_run=True, rows=check["rows"],
        cases=check["cases"], persons=check["persons"], grants=check["grants"], skipped=check["skipped"],
        errors=[services.RowError(*e) for e in check["errors"]],
        warnings=[services.RowError(*w) for w in check["warnings"]])


@bp.route("/", methods=["GET", "POST"])
@roles_required(*IMPORT_ROLES)
def index():
    _purge()
    form = UploadForm()
    if form.validate_on_submit():
        data = form.file.data.read()
        file_name = Path(form.file.data.filename or "upload").name
        kind = form.kind.data
        if _checked_in_background(data, file_name):
            upload = run_in_transaction(lambda: uploads.keep_upload(_folder(), current_user, kind, file_name, data,
                                                                    checksum(data), UploadState.CHECKING))
            _start_job(upload)
            return redirect(url_for("imports.status", token=upload.token))
        result = services.import_file(kind, data, file_name, user=current_user, dry_run=True,
                                      allowed_programme_ids=_allowed())
        db.session.rollback()
        # Kept, under a random name and a server-side record, until confirmed, cancelled or expired:
        # the file confirmed is exactly the file previewed, and the bad rows can be downloaded.
        upload = run_in_transaction(lambda: uploads.keep_upload(_folder(), current_user, kind, file_name,
                                                                data, checksum(data)))
        return _preview(result, upload, 200 if result.ok else 422)
    status = 422 if form.is_submitted() else 200
    return render_template("imports/index.html", form=form, batches=services.batches(visible_programme_ids(
        current_user)), followed=uploads.followed_uploads(current_user)), status


def _checked_in_background(data: bytes, file_name: str) -> bool:
    """A large file is checked by a job of its own, its page following the check: checking it
    while the browser waits could take longer than a request may. A file refused as a whole (too
    many rows, an XLSX too large unpacked...) is refused at once."""
    from casework.imports.parse import FileError, Limits, read_table, unpacked_size

    if unpacked_size(data) <= current_app.config["IMPORT_INLINE_CHECK_BYTES"]:
        return False
    try:
        read_table(data, file_name, Limits.from_config(current_app.config))  # the whole-file checks
    except (FileError, UnicodeDecodeError):
        return False
    return True


def _start_job(upload) -> None:
    from flask_babel import get_locale

    try:
        jobs.start(current_app._get_current_object(), upload, str(get_locale() or "en"))
    except OSError:
        run_in_transaction(lambda: jobs.record_failure(upload.id, jobs.UNEXPECTED))
        uploads.delete_files(_folder(), upload.token)


def _open_upload():
    form = UploadActionForm()
    if not form.validate_on_submit():
        abort(400)
    return uploads.find_upload(current_user, form.upload.data or "")


def _gone():
    flash(_("The uploaded file is no longer available; upload it again."), "error")
    return redirect(url_for("imports.index"))


@bp.route("/confirm", methods=["POST"])
@roles_required(*IMPORT_ROLES)
def confirm():
    """Start the import of the previewed file as a job of its own and show its page, which follows
    it: a large file takes longer than a request may."""
    _purge()
    upload = _open_upload()
    if upload is None:
        return _gone()
    if upload.state == UploadState.PENDING:
        if not (_folder() / upload.token).exists():
            return _gone()
        if not jobs.outcome(upload).get("check", {}).get("error_count") and \
                run_in_transaction(lambda: uploads.claim(upload)):
            _start_job(upload)
    return redirect(url_for("imports.status", token=upload.token))


REASONS = {
    jobs.GONE: _l("The uploaded file is no longer available; upload it again."),
    jobs.CHANGED: _l("The uploaded file changed after it was checked; upload it again."),
    jobs.NOT_ALLOWED: _l("You may no longer import files."),
    jobs.REFUSED: _l("The file has problems now that it did not have when it was checked (the records "
                     "changed meanwhile). Correct the file and upload it again."),
    jobs.UNEXPECTED: _l("The import stopped unexpectedly."),
}
REFRESH_EVERY = 2  # seconds, while the import runs
# An upload's token (secrets.token_urlsafe(32): 43 characters) in a path: never as short as the
# words of the other routes ("confirm", "cancel"), which would otherwise be taken for a token.
TOKEN = "<string(minlength=32):token>"


@bp.route(f"/{TOKEN}/")
@roles_required(*IMPORT_ROLES)
def status(token: str):
    """The page of a confirmed import: running (it refreshes itself), imported, or not imported and why."""
    _purge()
    upload = uploads.find_upload(current_user, token)
    if upload is None:
        return _gone()
    outcome = jobs.outcome(upload)
    if upload.state == UploadState.PENDING:
        if "check" not in outcome:  # checked while the browser waited: that page was the preview
            return redirect(url_for("imports.index"))
        return _preview(_checked_result(upload, outcome["check"]), upload, 200, outcome["check"])
    return render_template("imports/status.html", upload=upload, outcome=outcome,
                           reason=REASONS.get(outcome.get("reason")), refresh=REFRESH_EVERY,
                           running=upload.state in UploadState.ACTIVE, errors_shown=ERRORS_SHOWN)


@bp.route("/cancel", methods=["POST"])
@roles_required(*IMPORT_ROLES)
def cancel():
    upload = _open_upload()
    if upload is not None and upload.state != UploadState.PENDING:
        flash(_("The import has started already and cannot be cancelled."), "error")
        return redirect(url_for("imports.status", token=upload.token))
    if upload is not None:
        run_in_transaction(lambda: uploads.discard_upload(_folder(), upload))
    flash(_("The import was cancelled and the uploaded file deleted."), "info")
    return redirect(url_for("imports.index"))


@bp.route(f"/{TOKEN}/errors.csv")
@roles_required(*IMPORT_ROLES)
def errors(token: str):
    _purge()
    upload = uploads.find_upload(current_user, token)
    if upload is None or upload.state != UploadState.PENDING:
        abort(404)
    data = found_or_404(uploads.read_upload(_folder(), upload))
    stored = uploads.errors_path(_folder(), upload.token)
    if stored.exists():  # a large file's, written by the job that checked it
        problems = _stored_errors(stored)
    elif "check" in jobs.outcome(upload):  # checked by a job, which found no problem
        problems = iter(())
    else:
        problems = ((e.row, e.column, e.message) for e in _dry_run(upload, data).errors)
    rows = itertools.chain([(_("row"), _("column"), _("problem"))], problems)
    name = Path(upload.file_name).stem + "-errors.csv"
    return Response(csv_stream(rows), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{_quote(name)}"})


def _stored_errors(path: Path):
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        yield from csv.reader(fh)


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


def init_app(app):
    from casework.imports import models  # noqa: F401
    from casework.imports.cli import import_cli

    app.register_blueprint(bp)
    app.extensions["nav"].append(("imports.index", _l("Import"), IMPORT_ROLES))
    app.extensions["cli_groups"].append(import_cli)
    app.config.setdefault("IMPORT_MAX_ROWS", 200_000)
    # Files larger than this (bytes; an XLSX unpacked) are checked by a job of their own.
    app.config.setdefault("IMPORT_INLINE_CHECK_BYTES", 512 * 1024)

    @app.before_request
    def _expire_uploads():
        from flask import request

        if request.endpoint and request.endpoint != "static":
            _purge_now_and_then()
