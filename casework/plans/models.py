"""A case's reintegration plan, its items, and the approved versions kept as they were approved."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.db import Base, Money, UTCDateTime, enum_type, utcnow


class PlanStatus(str, enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"


class Dimension(str, enum.Enum):
    IMMEDIATE = "immediate"
    ECONOMIC = "economic"
    SOCIAL = "social"
    PSYCHOSOCIAL = "psychosocial"


class ItemType(str, enum.Enum):
    """IOM Reintegration Handbook (2019), Annex 3."""
    CASH = "cash"
    BASIC_NEEDS = "basic_needs"
    ACCOMMODATION = "accommodation"
    IMMEDIATE_MEDICAL = "immediate_medical"
    INCOME_GENERATING = "income_generating"
    MICRO_BUSINESS = "micro_business"
    COLLECTIVE_PROJECT = "collective_project"
    JOB_PLACEMENT = "job_placement"
    VOCATIONAL_TRAINING = "vocational_training"
    HOUSING = "housing"
    MEDICAL = "medical"
    EDUCATION = "education"
    SKILLS = "skills"
    LEGAL = "legal"
    SOCIAL_PROTECTION = "social_protection"
    CHILDCARE = "childcare"
    SECURITY = "security"
    PSYCHOSOCIAL_INDIVIDUAL = "psychosocial_individual"
    PSYCHOSOCIAL_FAMILY = "psychosocial_family"
    PSYCHOSOCIAL_COMMUNITY = "psychosocial_community"


T = ItemType
DIMENSION_TYPES: dict[Dimension, tuple[ItemType, ...]] = {
    Dimension.IMMEDIATE: (T.CASH, T.BASIC_NEEDS, T.ACCOMMODATION, T.IMMEDIATE_MEDICAL),
    Dimension.ECONOMIC: (T.INCOME_GENERATING, T.MICRO_BUSINESS, T.COLLECTIVE_PROJECT, T.JOB_PLACEMENT,
                         T.VOCATIONAL_TRAINING),
    Dimension.SOCIAL: (T.HOUSING, T.MEDICAL, T.EDUCATION, T.SKILLS, T.LEGAL, T.SOCIAL_PROTECTION, T.CHILDCARE,
                       T.SECURITY),
    Dimension.PSYCHOSOCIAL: (T.PSYCHOSOCIAL_INDIVIDUAL, T.PSYCHOSOCIAL_FAMILY, T.PSYCHOSOCIAL_COMMUNITY),
}
DIMENSION_OF = {t: d for d, types in DIMENSION_TYPES.items() for t in types}


class ProviderKind(str, enum.Enum):
    OFFICE = "office"
    REFERRAL = "referral"


class ItemStatus(str, enum.Enum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


SUBMITTED_SQL = "status = 'submitted'"  # awaiting approval, as plans_awaiting writes it (casework.db.written)


class ReintegrationPlan(Base):
    __tablename__ = "reintegration_plans"
    __table_args__ = (
        # The plans awaiting approval, oldest submission first (a few among every case's plan).
        Index("ix_reintegration_plans_submitted", "submitted_at", "id", sqlite_where=text(SUBMITTED_SQL),
              postgresql_where=text(SUBMITTED_SQL)),
        # The approved plans by case: whether a case has one is read from the index alone.
        Index("ix_reintegration_plans_approved", "case_id", sqlite_where=text("approved_number IS NOT NULL"),
              postgresql_where=text("approved_number IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    status: Mapped[PlanStatus] = mapped_column(enum_type(PlanStatus, "plan_status"), default=PlanStatus.DRAFT,
                                               index=True)
    # The version being drafted, submitted or (when approved) in force; earlier ones are in plan_versions.
    number: Mapped[int] = mapped_column(default=1)
    approved_number: Mapped[int | None] = mapped_column()
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    case: Mapped[Case] = relationship()  # noqa: F821
    items: Mapped[list[PlanItem]] = relationship(back_populates="plan", order_by="PlanItem.id",
                                                   cascade="all, delete-orphan")
    versions: Mapped[list[PlanVersion]] = relationship(back_populates="plan", order_by="PlanVersion.number")

    __mapper_args__ = {"version_id_col": version}


class PlanItem(Base):
    __tablename__ = "plan_items"
    __table_args__ = (
        CheckConstraint("estimated_cost IS NULL OR estimated_cost >= 0", name="cost_not_negative"),
        CheckConstraint("status != 'dropped' OR drop_reason != ''", name="dropped_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("reintegration_plans.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    dimension: Mapped[Dimension] = mapped_column(enum_type(Dimension, "plan_dimension"))
    item_type: Mapped[ItemType] = mapped_column(enum_type(ItemType, "plan_item_type"))
    goal: Mapped[str] = mapped_column(Text)
    baseline: Mapped[str] = mapped_column(Text, default="")
    provider_kind: Mapped[ProviderKind] = mapped_column(enum_type(ProviderKind, "plan_provider_kind"))
    estimated_cost: Mapped[Decimal | None] = mapped_column(Money)
    target_date: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[ItemStatus] = mapped_column(enum_type(ItemStatus, "plan_item_status"), default=ItemStatus.PLANNED)
    drop_reason: Mapped[str] = mapped_column(Text, default="")
    # The last approved plan version holding this item as it now reads; None while it is a draft change.
    approved_number: Mapped[int | None] = mapped_column()
    # When a plan version first approved this item: the donor report counts it in that period.
    first_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    plan: Mapped[ReintegrationPlan] = relationship(back_populates="items")
    person: Mapped[Person | None] = relationship()  # noqa: F821

    @property
    def is_approved(self) -> bool:
        return self.approved_number is not None and self.status != ItemStatus.DROPPED


class PlanVersion(Base):
    """An approved version of a plan, its items as they were approved. Never changed."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "number", name="uq_plan_versions_plan_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("reintegration_plans.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    items: Mapped[list] = mapped_column(JSON)
    currency: Mapped[str] = mapped_column(String(3))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    plan: Mapped[ReintegrationPlan] = relationship(back_populates="versions")
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])  # noqa: F821
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])  # noqa: F821
