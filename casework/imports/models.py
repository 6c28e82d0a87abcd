"""Every import run is recorded: who, when, which file (name and checksum) and what it created."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from casework.db import Base, UTCDateTime, utcnow


class ImportBatch(Base):
    __tablename__ = "import_batches"
    __table_args__ = (Index("ix_import_batches_kind_checksum", "kind", "checksum"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "persons" or "grants"
    file_name: Mapped[str] = mapped_column(String(255))
    checksum: Mapped[str] = mapped_column(String(64))  # SHA-256 of the file's bytes
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rows: Mapped[int] = mapped_column(default=0)
    cases_created: Mapped[int] = mapped_column(default=0)
    persons_created: Mapped[int] = mapped_column(default=0)
    grants_created: Mapped[int] = mapped_column(default=0)
    rows_skipped: Mapped[int] = mapped_column(default=0)  # already imported before


# The programmes whose cases or grants a batch imported: "Earlier imports" shows a batch only to
# those who may see every one of them.
import_batch_programmes = Table(
    "import_batch_programmes",
    Base.metadata,
    Column("batch_id", ForeignKey("import_batches.id", ondelete="CASCADE"), primary_key=True),
    Column("programme_id", ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True),
)


class UploadState:
    CHECKING = "checking"  # a large file, checked by a job of its own (the dry run)
    PENDING = "pending"  # previewed, waiting for confirmation or cancellation
    QUEUED = "queued"  # confirmed; its job is starting
    RUNNING = "running"
    DONE = "done"  # imported; batch_id names the batch
    FAILED = "failed"  # nothing imported; outcome says why
    ACTIVE = (CHECKING, QUEUED, RUNNING)


class ImportUpload(Base):
    """A file uploaded for an import, kept on disk under `token` only while its preview is open or
    its import runs: the confirmation reads kind, file name and checksum from here, never from the
    form. A confirmed import runs as a job of its own (`casework import run`); its state and
    outcome (a JSON summary, or the problems that stopped it) are kept here for the page that
    follows it."""
    __tablename__ = "import_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(255))
    checksum: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    state: Mapped[str] = mapped_column(String(10), default=UploadState.PENDING, server_default=UploadState.PENDING)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(Text)
