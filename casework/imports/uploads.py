"""Uploaded import files, kept only while their preview is open or their import runs.

A file lives in instance/imports/ under a random token (0600) with a server-side record of
who uploaded it, what kind of file it is, its name and checksum. It is deleted when the import
is cancelled or its job ends (imported or not), and in any case KEEP_FOR after the upload, or
after the confirmation for an import still running then. The record of a finished import stays
as long, for the page that shows its outcome.
"""
from __future__ import annotations

import os
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, delete, or_, select

from casework.config import write_private
from casework.db import utcnow
from casework.extensions import db
from casework.imports.models import ImportUpload, UploadState

KEEP_FOR = timedelta(hours=1)


def keep_upload(folder: Path, user, kind: str, file_name: str, data: bytes, digest: str,
                state: str = UploadState.PENDING) -> ImportUpload:
    upload = ImportUpload(token=secrets.token_urlsafe(32), user_id=user.id, kind=kind, file_name=file_name[:255],
                          checksum=digest, created_at=utcnow(), state=state)
    db.session.add(upload)
    db.session.flush()
    write_private(folder / upload.token, data)
    return upload


def find_upload(user, token: str) -> ImportUpload | None:
    """The user's own open upload with this token (another user's is as good as none)."""
    if not token:
        return None
    return db.session.scalar(select(ImportUpload).where(ImportUpload.token == token,
                                                        ImportUpload.user_id == user.id))


def followed_uploads(user) -> list[ImportUpload]:
    """The user's uploads that have a page of their own: being checked, checked by a job, being
    imported or just ended (an upload previewed while the browser waited has none)."""
    return list(db.session.scalars(
        select(ImportUpload).where(ImportUpload.user_id == user.id,
                                   or_(ImportUpload.state != UploadState.PENDING, ImportUpload.outcome.is_not(None)))
        .order_by(ImportUpload.id.desc())))


def read_upload(folder: Path, upload: ImportUpload) -> bytes | None:
    try:
        return (folder / upload.token).read_bytes()
    except FileNotFoundError:
        return None


def errors_path(folder: Path, token: str) -> Path:
    """The list of a large file's problems, written by the job that checked it (the file's owner
    only, deleted with the file)."""
    return folder / f"{token}.errors.csv"


def delete_files(folder: Path, token: str) -> None:
    (folder / token).unlink(missing_ok=True)
    errors_path(folder, token).unlink(missing_ok=True)


def discard_upload(folder: Path, upload: ImportUpload) -> None:
    """Forget the upload (in the caller's transaction) and delete its files now."""
    token = upload.token
    db.session.delete(upload)
    delete_files(folder, token)


def forget_expired(now: datetime | None = None) -> list[str]:
    """Delete the records of uploads older than KEEP_FOR (confirmed ones: KEEP_FOR after their
    confirmation) in the caller's transaction; their tokens, whose files remove_stray_files deletes."""
    cutoff = (now or utcnow()) - KEEP_FOR
    expired_when = or_(and_(ImportUpload.confirmed_at.is_(None), ImportUpload.created_at <= cutoff),
                       ImportUpload.confirmed_at <= cutoff)
    expired = list(db.session.scalars(select(ImportUpload.token).where(expired_when)))
    if expired:
        db.session.execute(delete(ImportUpload).where(ImportUpload.token.in_(expired)))
    return expired


def remove_stray_files(folder: Path, expired: list[str], now: datetime | None = None) -> int:
    """Delete the files of `expired` uploads, and any file in the folder that no upload owns
    (files of an earlier version, or of a worker that died) once it is KEEP_FOR old."""
    cutoff = (now or utcnow()) - KEEP_FOR
    live = set(db.session.scalars(select(ImportUpload.token)))
    removed = 0
    if folder.is_dir():
        for path in folder.iterdir():
            token = path.name.partition(".")[0]  # an upload's file, or its list of problems
            if token in live:
                continue
            try:
                if token in expired or path.stat().st_mtime <= cutoff.timestamp():
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
    return removed


def claim(upload: ImportUpload) -> bool:
    """Mark a previewed upload confirmed (in the caller's transaction); False when it was already
    (a second click, another tab): one confirmation starts one import."""
    from sqlalchemy import update

    claimed = db.session.execute(
        update(ImportUpload).where(ImportUpload.id == upload.id, ImportUpload.state == UploadState.PENDING)
        .values(state=UploadState.QUEUED, confirmed_at=utcnow()).execution_options(synchronize_session=False))
    db.session.refresh(upload)
    return claimed.rowcount == 1


def upload_folder(instance_path: str) -> Path:
    path = Path(instance_path) / "imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path
