"""A report as submitted to the donor: its figures are stored and never recomputed in place."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.db import Base, UTCDateTime, utcnow


class SubmittedReport(Base):
    __tablename__ = "submitted_reports"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period_ordered"),
        Index("ix_submitted_reports_programme_period", "programme_id", "period_start", "period_end"),
        UniqueConstraint("programme_id", "period_start", "period_end", "version",
                         name="uq_submitted_reports_period_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(40))
    # The figures exactly as submitted (Figures.to_dict()).
    figures: Mapped[dict] = mapped_column(JSON)
    # A period submitted again supersedes the earlier submission; both are kept.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("submitted_reports.id"))
    # What the donor received: the protected figures (disclosure.protect_release), frozen too.
    donor_figures: Mapped[dict | None] = mapped_column(JSON)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programme: Mapped[Programme] = relationship()  # noqa: F821
    submitted_by: Mapped[User | None] = relationship()  # noqa: F821
    supersedes: Mapped[SubmittedReport | None] = relationship(remote_side=[id])
