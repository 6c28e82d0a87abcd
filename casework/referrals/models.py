"""Service providers and referrals, with the returnee's consent to share their data."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.db import Base, UTCDateTime, enum_type, utcnow


class ProviderType(str, enum.Enum):
    PUBLIC = "public"
    NGO = "ngo"
    PRIVATE = "private"
    INTERNATIONAL = "international"
    COMMUNITY = "community"


class ReferralStatus(str, enum.Enum):
    SENT = "sent"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    DONE = "done"


class ServiceProvider(Base):
    __tablename__ = "service_providers"
    __table_args__ = (UniqueConstraint("name", "municipality", name="uq_service_providers_name_municipality"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    provider_type: Mapped[ProviderType] = mapped_column(enum_type(ProviderType, "provider_type"))
    municipality: Mapped[str] = mapped_column(String(100), default="")
    services: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


SENT_SQL = "status = 'sent'"  # awaiting an answer, as My work writes it (casework.db.written)


class Referral(Base):
    __tablename__ = "referrals"
    __table_args__ = (
        # No referral leaves the office without the returnee's consent to share their data.
        CheckConstraint("consent_on IS NOT NULL", name="consent_recorded"),
        CheckConstraint("answered_on IS NULL OR answered_on >= sent_on", name="answered_after_sent"),
        # By status, oldest first; with id and case, a team's count of those awaiting an answer is read
        # from the index alone.
        Index("ix_referrals_status_sent_on_id_case", "status", "sent_on", "id", "case_id"),
        # The referrals awaiting an answer, by case: a caseworker's are found from their cases.
        Index("ix_referrals_sent", "case_id", "sent_on", "id", sqlite_where=text(SENT_SQL),
              postgresql_where=text(SENT_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_item_id: Mapped[int] = mapped_column(ForeignKey("plan_items.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("service_providers.id"), index=True)
    status: Mapped[ReferralStatus] = mapped_column(enum_type(ReferralStatus, "referral_status"),
                                                   default=ReferralStatus.SENT)
    consent_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    consent_on: Mapped[date] = mapped_column(Date)
    sent_on: Mapped[date] = mapped_column(Date)
    answered_on: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    feedback: Mapped[str] = mapped_column(Text, default="")
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    provider: Mapped[ServiceProvider] = relationship()
    consent_person: Mapped[Person | None] = relationship()  # noqa: F821
    plan_item: Mapped[PlanItem] = relationship()  # noqa: F821
    case: Mapped[Case] = relationship()  # noqa: F821

    __mapper_args__ = {"version_id_col": version}
