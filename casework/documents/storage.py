"""Where document content lives, behind one interface with two backends.

- ``database`` (the default): content in the ``document_chunks`` table, in the same transaction
  as the document's record, so it is in every backup and seen by every application server.
- ``s3``: an S3-compatible object store (CASEWORK_S3_URL = endpoint and bucket, with
  CASEWORK_S3_ACCESS_KEY / CASEWORK_S3_SECRET_KEY); downloads are short-lived signed links.

Neither backend overwrites: a key is written once (keys are random), and purging deletes it.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from typing import BinaryIO
from urllib.parse import quote, urlsplit

from flask import current_app
from sqlalchemy import delete, event, exists, insert, select
from sqlalchemy.orm import Session

from casework.documents.models import DocumentChunk
from casework.extensions import db

CHUNK_SIZE = 1024 * 1024


class StorageError(Exception):
    pass


def attachment_disposition(file_name: str) -> str:
    """Content-Disposition that always downloads, with the name in ASCII and in UTF-8."""
    ascii_name = "".join(ch if 32 < ord(ch) < 127 and ch not in '"\\;%' else "_" for ch in file_name) or "document"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name, safe='')}"


class DatabaseStorage:
    name = "database"

    def put(self, key: str, fileobj: BinaryIO, content_type: str, file_name: str) -> None:
        if db.session.scalar(select(exists().where(DocumentChunk.storage_key == key))):
            raise StorageError(f"refusing to overwrite {key}")
        seq = 0
        while chunk := fileobj.read(CHUNK_SIZE):
            # A plain INSERT per piece: nothing stays in the session's identity map.
            db.session.execute(insert(DocumentChunk).values(storage_key=key, seq=seq, data=chunk))
            seq += 1
        if seq == 0:
            raise StorageError("refusing to store an empty file")

    def read(self, key: str) -> Iterator[bytes]:
        seq = 0
        while True:
            data = db.session.scalar(select(DocumentChunk.data)
                                     .where(DocumentChunk.storage_key == key, DocumentChunk.seq == seq))
            if data is None:
                return
            yield bytes(data)
            seq += 1

    def delete(self, key: str) -> None:
        db.session.execute(delete(DocumentChunk).where(DocumentChunk.storage_key == key))

    def exists(self, key: str) -> bool:
        return bool(db.session.scalar(select(exists().where(DocumentChunk.storage_key == key))))

    def link(self, key: str, file_name: str, content_type: str) -> str | None:
        return None  # served by the application itself


class S3Storage:
    name = "s3"

    def __init__(self, url: str, access_key: str | None, secret_key: str | None, region: str, link_seconds: int):
        import boto3
        from botocore.config import Config

        parts = urlsplit(url)
        bucket = parts.path.strip("/").split("/")[0]
        if parts.scheme not in ("http", "https") or not parts.netloc or not bucket:
            raise StorageError("CASEWORK_S3_URL must look like https://s3.example.org/bucket-name")
        self.bucket = bucket
        self.link_seconds = link_seconds
        self.client = boto3.client(
            "s3", endpoint_url=f"{parts.scheme}://{parts.netloc}", region_name=region,
            aws_access_key_id=access_key, aws_secret_access_key=secret_key,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"},
                          retries={"max_attempts": 3, "mode": "standard"}))

    def _missing(self, error) -> bool:
        return error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
            return True
        except ClientError as error:
            if self._missing(error):
                return False
            raise

    def put(self, key: str, fileobj: BinaryIO, content_type: str, file_name: str) -> None:
        if self.exists(key):
            raise StorageError(f"refusing to overwrite {key}")
        # upload_fileobj reads the file in parts: a large file is never held whole in memory.
        self.client.upload_fileobj(fileobj, self.bucket, key, ExtraArgs={
            "ContentType": content_type, "ContentDisposition": attachment_disposition(file_name)})
        db.session.info.setdefault("document_keys_written", []).append(key)

    def read(self, key: str) -> Iterator[bytes]:
        body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        try:
            yield from body.iter_chunks(CHUNK_SIZE)
        finally:
            body.close()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def link(self, key: str, file_name: str, content_type: str) -> str | None:
        return self.client.generate_presigned_url("get_object", ExpiresIn=self.link_seconds, Params={
            "Bucket": self.bucket, "Key": key, "ResponseContentType": content_type,
            "ResponseContentDisposition": attachment_disposition(file_name)})


def setting(name: str, default=None, app=None):
    """A document setting: the app's configuration, else the environment, else the default."""
    value = (app or current_app).config.get(name)
    if value in (None, ""):
        value = os.environ.get(name)
    return default if value in (None, "") else value


def make_storage(app):
    kind = setting("CASEWORK_DOCUMENT_STORAGE", "database", app)
    if kind == "database":
        return DatabaseStorage()
    if kind == "s3":
        url = setting("CASEWORK_S3_URL", app=app)
        if not url:
            raise StorageError("CASEWORK_DOCUMENT_STORAGE=s3 needs CASEWORK_S3_URL")
        return S3Storage(url, setting("CASEWORK_S3_ACCESS_KEY", app=app),
                         setting("CASEWORK_S3_SECRET_KEY", app=app),
                         setting("CASEWORK_S3_REGION", "us-east-1", app),
                         int(setting("CASEWORK_S3_LINK_SECONDS", 60, app)))
    raise StorageError(f"CASEWORK_DOCUMENT_STORAGE must be database or s3, not {kind!r}")


def storage():
    return current_app.extensions["document_storage"]


@event.listens_for(Session, "after_commit")
def _forget_written(session):
    session.info.pop("document_keys_written", None)


@event.listens_for(Session, "after_rollback")
def _delete_orphans(session):
    """An object written to the store by a transaction that rolled back has no record: delete it."""
    keys = session.info.pop("document_keys_written", None)
    if keys:
        from flask import has_app_context

        if has_app_context():
            backend = storage()
            for key in keys:
                try:
                    backend.delete(key)
                except Exception:  # best effort; `casework documents check` lists leftovers
                    current_app.logger.warning("could not delete an orphaned document object")
