"""A document's record (kept for good, even after its content is purged), its content in the
database backend, and what a programme requires before a step."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.db import Base, UTCDateTime, enum_type, utcnow


class DocumentType(str, enum.Enum):
    IDENTITY = "identity"
    DONOR_LETTER = "donor_letter"
    AGREEMENT = "agreement"
    RECEIPT = "receipt"
    PHOTO = "photo"
    OTHER = "other"


class RequirementStep(str, enum.Enum):
    """Steps before which a programme may require a document."""

    GRANT_SUBMIT = "grant_submit"
    DONOR_DECISION = "donor_decision"
    PAYMENT_IN_KIND = "payment_in_kind"


class Document(Base):
    """One uploaded file. owner_type/owner_id name what it is attached to (a kind registered in
    casework.documents.owners); case_id is that owner's case, which decides who may see it."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint("size > 0", name="size_positive"),
        CheckConstraint("content_type IN ('application/pdf', 'image/jpeg', 'image/png')", name="content_type_allowed"),
        CheckConstraint("(removed_at IS NULL AND purged_at IS NULL) OR (removed_at IS NOT NULL AND removal_reason <> '')",
                        name="removal_has_reason"),
        Index("ix_documents_owner", "owner_type", "owner_id"),
        Index("ix_documents_case_uploaded", "case_id", "uploaded_at"),
        Index("ix_documents_removed_at", "removed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    owner_type: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int] = mapped_column()
    document_type: Mapped[DocumentType] = mapped_column(enum_type(DocumentType, "document_type"))
    title: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    thumbnail_key: Mapped[str | None] = mapped_column(String(80))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removal_reason: Mapped[str] = mapped_column(String(500), default="")
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()  # noqa: F821
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])  # noqa: F821
    removed_by: Mapped[User | None] = relationship(foreign_keys=[removed_by_id])  # noqa: F821

    @property
    def is_live(self) -> bool:
        return self.removed_at is None


class DocumentChunk(Base):
    """Content in the database backend, in pieces of at most CHUNK_SIZE bytes, so that neither
    an upload nor a download holds a whole file in memory."""

    __tablename__ = "document_chunks"

    storage_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class DocumentRequirement(Base):
    """A programme requires a document of this type before this step."""

    __tablename__ = "document_requirements"
    __table_args__ = (UniqueConstraint("programme_id", "step", name="uq_document_requirements_programme_step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    step: Mapped[RequirementStep] = mapped_column(enum_type(RequirementStep, "requirement_step"))
    document_type: Mapped[DocumentType] = mapped_column(enum_type(DocumentType, "document_type"))
