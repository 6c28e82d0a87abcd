"""Monitoring after return: a programme's schedule of visits (in force from a date, like its caps),
the visits each case is due, and the visits recorded with their findings."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.db import Base, UTCDateTime, enum_type, utcnow


class VisitKind(str, enum.Enum):
    HOME = "home"
    PHONE = "phone"
    OFFICE = "office"


class GrantUse(str, enum.Enum):
    AS_PLANNED = "as_planned"
    PARTLY = "partly"
    NOT_AS_PLANNED = "not_as_planned"
    NOT_YET = "not_yet"


class MonitoringSchedule(Base):
    """Visits at these months after arrival, for cases arriving on or after valid_from until the next schedule."""

    __tablename__ = "monitoring_schedules"
    __table_args__ = (UniqueConstraint("programme_id", "valid_from", name="uq_monitoring_schedules_programme_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    valid_from: Mapped[date] = mapped_column(Date)
    # Months after arrival, ascending and comma-separated: "3,6,12".
    months: Mapped[str] = mapped_column(String(100))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def intervals(self) -> list[int]:
        return [int(m) for m in self.months.split(",") if m]


class ScheduledVisit(Base):
    """A visit a case is due under its programme's schedule; answered by the visit that records it."""

    __tablename__ = "scheduled_visits"
    __table_args__ = (
        UniqueConstraint("case_id", "months", name="uq_scheduled_visits_case_months"),
        CheckConstraint("months > 0", name="months_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("monitoring_schedules.id", ondelete="SET NULL"))
    months: Mapped[int] = mapped_column()
    # Indexed: the report counts the visits due in a period.
    due_on: Mapped[date] = mapped_column(Date, index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("monitoring_visits.id", ondelete="SET NULL"),
                                                 unique=True)

    visit: Mapped[MonitoringVisit | None] = relationship(foreign_keys=[visit_id])


visit_members = Table(
    "monitoring_visit_members",
    Base.metadata,
    Column("visit_id", ForeignKey("monitoring_visits.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
)


class MonitoringVisit(Base):
    __tablename__ = "monitoring_visits"
    __table_args__ = (Index("ix_monitoring_visits_case_visited", "case_id", "visited_on"),
                      Index("ix_monitoring_visits_visited_on", "visited_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    visited_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[VisitKind] = mapped_column(enum_type(VisitKind, "monitoring_visit_kind"))
    # Who visited, as written: staff names, a partner's field officer.
    visited_by: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()  # noqa: F821
    members: Mapped[list[Person]] = relationship(secondary=visit_members,  # noqa: F821
                                                 order_by="(Person.relationship != 'principal', Person.id)")
    item_checks: Mapped[list[VisitItemCheck]] = relationship(back_populates="visit", order_by="VisitItemCheck.id",
                                                             cascade="all, delete-orphan")
    grant_checks: Mapped[list[VisitGrantCheck]] = relationship(back_populates="visit",
                                                               order_by="VisitGrantCheck.id",
                                                               cascade="all, delete-orphan")
    answers: Mapped[ScheduledVisit | None] = relationship(foreign_keys="ScheduledVisit.visit_id",
                                                          viewonly=True, uselist=False)


class VisitItemCheck(Base):
    """A plan item's progress seen at a visit: its status before and after, and a comment."""

    __tablename__ = "monitoring_item_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("monitoring_visits.id", ondelete="CASCADE"), index=True)
    plan_item_id: Mapped[int | None] = mapped_column(ForeignKey("plan_items.id", ondelete="SET NULL"), index=True)
    status_before: Mapped[str] = mapped_column(String(20))
    status_after: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")

    visit: Mapped[MonitoringVisit] = relationship(back_populates="item_checks")
    item: Mapped[PlanItem | None] = relationship()  # noqa: F821


class VisitGrantCheck(Base):
    """How a grant was used, seen at a visit. "Not as planned" flags the grant for the supervisor
    until a supervisor records what was done about it."""

    __tablename__ = "monitoring_grant_checks"
    __table_args__ = (
        CheckConstraint("use != 'not_as_planned' OR what_was_done != ''", name="not_as_planned_says_what"),
        Index("ix_monitoring_grant_checks_grant", "grant_id"),
        # Carries the grant, so that the open flags give their grants from the index alone.
        Index("ix_monitoring_grant_checks_open_flags", "flagged", "resolved_at", "grant_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("monitoring_visits.id", ondelete="CASCADE"), index=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"))
    use: Mapped[GrantUse] = mapped_column(enum_type(GrantUse, "monitoring_grant_use"))
    what_was_done: Mapped[str] = mapped_column(Text, default="")
    handover_confirmed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str] = mapped_column(Text, default="")

    visit: Mapped[MonitoringVisit] = relationship(back_populates="grant_checks")
    grant: Mapped[Grant] = relationship()  # noqa: F821
