"""One closure or reopening of a case, with its reason; never edited."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.db import Base, UTCDateTime, enum_type, utcnow


class ClosureKind(str, enum.Enum):
    CLOSED = "closed"
    REOPENED = "reopened"


class ClosureReason(str, enum.Enum):
    SUPPORT_ENDED = "support_ended"
    CRITERIA_NOT_MET = "criteria_not_met"
    CHOSE_TO_STOP = "chose_to_stop"
    LEFT_AREA = "left_area"
    DECEASED = "deceased"
    REMIGRATED = "remigrated"
    OTHER = "other"


class CaseClosure(Base):
    __tablename__ = "case_closures"
    __table_args__ = (
        CheckConstraint("kind = 'reopened' OR reason IS NOT NULL", name="closing_has_reason"),
        CheckConstraint("reason IS NULL OR reason != 'other' OR detail != ''", name="other_reason_explained"),
        Index("ix_case_closures_case_id", "case_id", "id"),
        Index("ix_case_closures_on_date", "on_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[ClosureKind] = mapped_column(enum_type(ClosureKind, "closure_kind"))
    reason: Mapped[ClosureReason | None] = mapped_column(enum_type(ClosureReason, "closure_reason"))
    detail: Mapped[str] = mapped_column(Text, default="")
    on_date: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recorded_by: Mapped[User | None] = relationship()  # noqa: F821
