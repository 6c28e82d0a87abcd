"""Supervisors and administrators upload a legacy file, see the dry run, and confirm it."""
from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField

from casework.auth.models import Role
from casework.auth.permissions import roles_required, visible_programme_ids
from casework.extensions import db
from casework.imports import services
from casework.imports.parse import checksum

bp = Blueprint("imports", __name__, url_prefix="/imports")
IMPORT_ROLES = (Role.SUPERVISOR, Role.ADMIN)
KIND_LABELS = {"persons": _l("Persons (one row per person)"), "grants": _l("Grants (one row per grant)")}
_CHECKSUM = re.compile(r"^[0-9a-f]{64}$")


class UploadForm(FlaskForm):
    kind = SelectField(_l("Kind of file"), choices=list(KIND_LABELS.items()))
    file = FileField(_l("File (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file."))])


class ConfirmForm(FlaskForm):
    kind = HiddenField()
    checksum = HiddenField()
    file_name = HiddenField()


def _upload_dir() -> Path:
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _allowed():
    ids = visible_programme_ids(current_user)
    return None if ids is None else set(ids)


@bp.route("/", methods=["GET", "POST"])
@roles_required(*IMPORT_ROLES)
def index():
    form = UploadForm()
    if form.validate_on_submit():
        data = form.file.data.read()
        file_name = Path(form.file.data.filename or "upload").name
        # Kept by checksum between the preview and the confirmation, so the file confirmed
        # is exactly the file previewed.
        digest = checksum(data)
        (_upload_dir() / digest).write_bytes(data)
        result = services.import_file(form.kind.data, data, file_name, user=current_user, dry_run=True,
                                      allowed_programme_ids=_allowed())
        db.session.rollback()
        confirm = ConfirmForm(kind=form.kind.data, checksum=digest, file_name=file_name)
        return render_template("imports/preview.html", result=result, confirm=confirm), (200 if result.ok else 422)
    status = 422 if request.method == "POST" else 200
    return render_template("imports/index.html", form=form, batches=services.batches()), status


@bp.route("/confirm", methods=["POST"])
@roles_required(*IMPORT_ROLES)
def confirm():
    form = ConfirmForm()
    if not form.validate_on_submit() or form.kind.data not in services.KINDS or not _CHECKSUM.match(
            form.checksum.data or ""):
        abort(400)
    path = _upload_dir() / form.checksum.data
    if not path.exists():
        flash(_("The uploaded file is no longer available; upload it again."), "error")
        return redirect(url_for("imports.index"))
    result = services.import_file(form.kind.data, path.read_bytes(), form.file_name.data or "upload",
                                  user=current_user, allowed_programme_ids=_allowed())
    if not result.ok:
        db.session.rollback()
        return render_template("imports/preview.html", result=result, confirm=None), 422
    db.session.commit()
    path.unlink(missing_ok=True)
    flash(_("Imported: %(summary)s", summary=result.summary()), "success")
    return redirect(url_for("imports.index"))


def init_app(app):
    from casework.imports import models  # noqa: F401
    from casework.imports.cli import import_cli

    app.register_blueprint(bp)
    app.extensions["nav"].append(("imports.index", _l("Import"), IMPORT_ROLES))
    app.extensions["cli_groups"].append(import_cli)
