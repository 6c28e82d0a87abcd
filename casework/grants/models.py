"""Grants of reintegration assistance, the immutable decisions on them, and their tranches."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.db import Base, Money, UTCDateTime, enum_type, utcnow


class GrantCategory(str, enum.Enum):
    BUSINESS = "business"
    HOUSING = "housing"
    EDUCATION = "education"
    MEDICAL = "medical"
    HOUSEHOLD = "household"
    CASH_ON_ARRIVAL = "cash_on_arrival"


class GrantStatus(str, enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    AWAITING_DONOR = "awaiting_donor"
    APPROVED = "approved"
    REJECTED = "rejected"
    DISBURSING = "disbursing"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


AWAITING_DECISION_STATUSES = (GrantStatus.SUBMITTED, GrantStatus.IN_REVIEW, GrantStatus.AWAITING_DONOR)
# The same statuses as SQL, for the decision queue's partial indexes; the queue writes them into
# its SQL in this order (SQLite uses a partial index only for a condition it can match).
DRAFT_SQL = "status = 'draft'"
AWAITING_SQL = "status IN ({})".format(", ".join(f"'{s.value}'" for s in AWAITING_DECISION_STATUSES))


class DecisionStep(str, enum.Enum):
    SUPERVISOR = "supervisor"
    DONOR = "donor"


class DecisionOutcome(str, enum.Enum):
    APPROVED = "approved"
    REDUCED = "reduced"
    REJECTED = "rejected"
    SENT_BACK = "sent_back"


class DisbursementMode(str, enum.Enum):
    CASH = "cash"
    IN_KIND = "in_kind"
    BANK_TRANSFER = "bank_transfer"


class Grant(Base):
    __tablename__ = "grants"
    __table_args__ = (
        CheckConstraint("requested_amount > 0", name="requested_positive"),
        CheckConstraint(
            "approved_amount IS NULL OR (approved_amount > 0 AND approved_amount <= requested_amount)",
            name="approved_within_requested",
        ),
        Index("ix_grants_status_submitted", "status", "submitted_at"),
        Index("ix_grants_decided_on", "decided_on"),
        # The grant list: newest proposal first, all grants or one status.
        Index("ix_grants_created_at_id", "created_at", "id"),
        Index("ix_grants_status_created_at_id", "status", "created_at", "id"),
        # The decision queue, oldest first: legacy grants (no submission time) by id, then the
        # others by submission time. Partial, so they hold only the grants awaiting a decision.
        Index("ix_grants_awaiting_legacy", "id", sqlite_where=text(AWAITING_SQL + " AND submitted_at IS NULL"),
              postgresql_where=text(AWAITING_SQL + " AND submitted_at IS NULL")),
        Index("ix_grants_awaiting_submitted", "submitted_at", "id",
              sqlite_where=text(AWAITING_SQL + " AND submitted_at IS NOT NULL"),
              postgresql_where=text(AWAITING_SQL + " AND submitted_at IS NOT NULL")),
        # Drafts by their proposer: the grants sent back to a caseworker (drafts are few, grants many).
        Index("ix_grants_drafts", "created_by_id", sqlite_where=text(DRAFT_SQL), postgresql_where=text(DRAFT_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"), index=True)
    category: Mapped[GrantCategory] = mapped_column(enum_type(GrantCategory, "grant_category"))
    plan: Mapped[str] = mapped_column(Text, default="")
    requested_amount: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[GrantStatus] = mapped_column(enum_type(GrantStatus, "grant_status"), default=GrantStatus.DRAFT)
    # Final outcome, set by the workflow when the last decision is taken, so reports can
    # count approvals and rejections by their own date with an index.
    approved_amount: Mapped[Decimal | None] = mapped_column(Money)
    decided_on: Mapped[date | None] = mapped_column(Date)
    legacy_reference: Mapped[str | None] = mapped_column(String(60))
    # The item of the case's approved reintegration plan that this grant funds.
    plan_item_id: Mapped[int | None] = mapped_column(ForeignKey("plan_items.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    case: Mapped[Case] = relationship()  # noqa: F821
    person: Mapped[Person | None] = relationship()  # noqa: F821
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])  # noqa: F821
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])  # noqa: F821
    decisions: Mapped[list[GrantDecision]] = relationship(
        back_populates="grant", order_by="GrantDecision.decided_at"
    )
    disbursements: Mapped[list[Disbursement]] = relationship(
        back_populates="grant", order_by="(Disbursement.paid_on, Disbursement.id)"
    )

    __mapper_args__ = {"version_id_col": version}


class GrantDecision(Base):
    """One decision on a grant. Never edited: a correction is a new decision."""

    __tablename__ = "grant_decisions"
    __table_args__ = (
        CheckConstraint("amount IS NULL OR amount > 0", name="amount_positive"),
        # The decision queue leaves out the grants this supervisor took the other step of.
        Index("ix_grant_decisions_decided_by_grant", "decided_by_id", "grant_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    step: Mapped[DecisionStep] = mapped_column(enum_type(DecisionStep, "decision_step"))
    outcome: Mapped[DecisionOutcome] = mapped_column(enum_type(DecisionOutcome, "decision_outcome"))
    amount: Mapped[Decimal | None] = mapped_column(Money)
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # For a decision taken outside the office (the donor's), its letter number and date.
    authority_reference: Mapped[str | None] = mapped_column(String(100))
    authority_letter_date: Mapped[date | None] = mapped_column(Date)
    # Who took an external decision, when a legacy record names it (e.g. "FOM") without a letter.
    authority_name: Mapped[str | None] = mapped_column(String(100))

    grant: Mapped[Grant] = relationship(back_populates="decisions")
    decided_by: Mapped[User | None] = relationship()  # noqa: F821


class Disbursement(Base):
    """A payment, or the reversal of one: a wrong payment is never deleted or edited, it is
    reversed by an entry of the opposite amount dated on its own day, so that a plain sum of
    the entries of a period is what was really paid in it."""

    __tablename__ = "disbursements"
    __table_args__ = (
        CheckConstraint("(reversal_of_id IS NULL AND amount > 0) OR (reversal_of_id IS NOT NULL AND amount < 0)",
                        name="amount_sign"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    paid_on: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    mode: Mapped[DisbursementMode] = mapped_column(enum_type(DisbursementMode, "disbursement_mode"))
    receipt_reference: Mapped[str] = mapped_column(String(100), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A reversal names the payment it reverses (once: the column is unique) and says why.
    reversal_of_id: Mapped[int | None] = mapped_column(ForeignKey("disbursements.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text, default="")

    grant: Mapped[Grant] = relationship(back_populates="disbursements")
    reversal_of: Mapped[Disbursement | None] = relationship(remote_side=[id], foreign_keys=[reversal_of_id])
    recorded_by: Mapped[User | None] = relationship()  # noqa: F821
