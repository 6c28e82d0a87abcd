"""A case note and the earlier versions of its text."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.db import Base, UTCDateTime, enum_type, utcnow


class NoteKind(str, enum.Enum):
    VISIT = "visit"
    PHONE_CALL = "phone_call"
    OFFICE_MEETING = "office_meeting"
    OTHER = "other"


class CaseNote(Base):
    __tablename__ = "case_notes"
    __table_args__ = (Index("ix_case_notes_case_noted_on", "case_id", "noted_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[NoteKind] = mapped_column(enum_type(NoteKind, "note_kind"))
    noted_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    # A sensitive note's text is shown on the case page only: never in lists, exports or search.
    is_sensitive: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    case: Mapped[Case] = relationship()  # noqa: F821
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])  # noqa: F821
    edited_by: Mapped[User | None] = relationship(foreign_keys=[edited_by_id])  # noqa: F821
    revisions: Mapped[list[CaseNoteRevision]] = relationship(
        back_populates="note", cascade="all, delete-orphan", order_by="CaseNoteRevision.id.desc()")

    __mapper_args__ = {"version_id_col": version}


class CaseNoteRevision(Base):
    """The note as it was before one edit; never changed."""

    __tablename__ = "case_note_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("case_notes.id", ondelete="CASCADE"), index=True)
    kind: Mapped[NoteKind] = mapped_column(enum_type(NoteKind, "note_kind"))
    noted_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    is_sensitive: Mapped[bool] = mapped_column()
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    note: Mapped[CaseNote] = relationship(back_populates="revisions")
    written_by: Mapped[User | None] = relationship(foreign_keys=[written_by_id])  # noqa: F821
