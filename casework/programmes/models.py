"""Donors, programmes and the caps that apply to a programme from a given date."""
from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.auth.models import user_programmes
from casework.db import Base, Money, enum_type
from casework.surveys.models import Score

DEFAULT_THRESHOLD = 5
MINIMUM_THRESHOLD = 3
RELEASE_UNITS = ("year", "half", "quarter", "month")


class DecisionAuthority(str, enum.Enum):
    DONOR = "donor"
    OFFICE = "office"


class Donor(Base):
    __tablename__ = "donors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)

    programmes: Mapped[list[Programme]] = relationship(back_populates="donor")


class Programme(Base):
    __tablename__ = "programmes"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
        CheckConstraint("budget IS NULL OR budget >= 0", name="budget_not_negative"),
        CheckConstraint(f"small_cell_threshold >= {MINIMUM_THRESHOLD}", name="small_cell_threshold_at_least_3"),
        CheckConstraint("report_language IS NULL OR report_language IN ('en', 'sr_Latn', 'sr_Cyrl')",
                        name="report_language_supported"),
        CheckConstraint("plan_due_days BETWEEN 1 AND 366", name="plan_due_days_range"),
        # Stored like survey scores, in ten-thousandths: 0 to 1.
        CheckConstraint("sustainability_threshold IS NULL OR sustainability_threshold BETWEEN 0 AND 10000",
                        name="sustainability_threshold_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    donor_id: Mapped[int] = mapped_column(ForeignKey("donors.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    decision_authority: Mapped[DecisionAuthority] = mapped_column(
        enum_type(DecisionAuthority, "decision_authority"), default=DecisionAuthority.OFFICE
    )
    budget: Mapped[Decimal | None] = mapped_column(Money)
    # Counts below this are suppressed in what donors receive (shown as "<N"); never below 3.
    small_cell_threshold: Mapped[int] = mapped_column(default=DEFAULT_THRESHOLD,
                                                      server_default=str(DEFAULT_THRESHOLD))
    # The periods donors receive figures for: "year", "half", "quarter", "month", comma-separated.
    release_calendar: Mapped[str] = mapped_column(String(40), default="year", server_default="year")
    # The language of its donor reports, whoever views or exports them; None = the reader's.
    report_language: Mapped[str | None] = mapped_column(String(8))
    # The reintegration plan is due this many days after arrival (IOM: about one month).
    plan_due_days: Mapped[int] = mapped_column(default=30, server_default="30")
    # When set, a grant is submitted only once it funds an item of the approved plan.
    plan_item_required: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The composite survey score (0 to 1) at or above which the report counts a returnee's
    # reintegration as sustainable; None: the programme has set none, and the report gives no share.
    sustainability_threshold: Mapped[Decimal | None] = mapped_column(Score)

    donor: Mapped[Donor] = relationship(back_populates="programmes")
    caps: Mapped[list[ProgrammeCap]] = relationship(
        back_populates="programme", order_by="ProgrammeCap.valid_from", cascade="all, delete-orphan"
    )
    users: Mapped[list[User]] = relationship(  # noqa: F821
        secondary=user_programmes, back_populates="programmes"
    )

    @property
    def donor_decides(self) -> bool:
        return self.decision_authority == DecisionAuthority.DONOR

    def cap_on(self, day: date) -> ProgrammeCap | None:
        """The caps in force on a day: the latest set whose valid_from is not after it."""
        current = None
        for cap in self.caps:
            if cap.valid_from <= day:
                current = cap
        return current

    def __repr__(self) -> str:
        return f"<Programme {self.code}>"


class ProgrammeCap(Base):
    """Caps on reintegration assistance, in force from valid_from until the next set."""

    __tablename__ = "programme_caps"
    __table_args__ = (
        UniqueConstraint("programme_id", "valid_from", name="uq_programme_caps_programme_from"),
        CheckConstraint("per_person IS NULL OR per_person >= 0", name="per_person_not_negative"),
        CheckConstraint("per_case IS NULL OR per_case >= 0", name="per_case_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    valid_from: Mapped[date] = mapped_column(Date)
    per_person: Mapped[Decimal | None] = mapped_column(Money)
    per_case: Mapped[Decimal | None] = mapped_column(Money)

    programme: Mapped[Programme] = relationship(back_populates="caps")
