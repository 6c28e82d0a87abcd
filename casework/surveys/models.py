"""A survey instrument, its versions (never rewritten), and the surveys taken with them."""
from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from casework.db import Base, UTCDateTime, utcnow

DIMENSIONS = ("economic", "social", "psychosocial")
SCORE_PLACES = Decimal("0.0001")


class Score(TypeDecorator):
    """A score from 0 to 1 with four decimals: stored as whole ten-thousandths, a Decimal in Python."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int(Decimal(value).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP) * 10000)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) / 10000).quantize(SCORE_PLACES)


class SurveyInstrument(Base):
    __tablename__ = "survey_instruments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[SurveyInstrumentVersion]] = relationship(
        back_populates="instrument", order_by="SurveyInstrumentVersion.number")

    @property
    def latest(self) -> SurveyInstrumentVersion | None:
        return self.versions[-1] if self.versions else None


class SurveyInstrumentVersion(Base):
    """One definition of an instrument, as loaded: questions, options and scores, weights."""

    __tablename__ = "survey_instrument_versions"
    __table_args__ = (UniqueConstraint("instrument_id", "number", name="uq_survey_instrument_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("survey_instruments.id"))
    number: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(200))
    # The validated definition, numbers written as decimal strings so nothing is rounded.
    definition: Mapped[dict] = mapped_column(JSON)
    # SHA-256 of the definition's canonical form: the same file loaded again is recognised.
    fingerprint: Mapped[str] = mapped_column(String(64))
    loaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    instrument: Mapped[SurveyInstrument] = relationship(back_populates="versions")
    loaded_by: Mapped[User | None] = relationship()  # noqa: F821


class SurveyResponse(Base):
    """A survey one person answered, in one round, scored with the instrument version used."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("person_id", "instrument_id", "round", name="uq_survey_responses_person_round"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("survey_instruments.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_instrument_versions.id"), index=True)
    # "intake", or "month-N" for the round N months after arrival (casework.surveys.services).
    round: Mapped[str] = mapped_column(String(60))
    taken_on: Mapped[date] = mapped_column(Date, index=True)  # the report counts a period's surveys
    # {question code: option code}
    answers: Mapped[dict] = mapped_column(JSON)
    economic_score: Mapped[Decimal] = mapped_column(Score)
    social_score: Mapped[Decimal] = mapped_column(Score)
    psychosocial_score: Mapped[Decimal] = mapped_column(Score)
    composite_score: Mapped[Decimal] = mapped_column(Score)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()  # noqa: F821
    person: Mapped[Person] = relationship()  # noqa: F821
    instrument_version: Mapped[SurveyInstrumentVersion] = relationship(foreign_keys=[version_id])

    def score(self, dimension: str) -> Decimal:
        return getattr(self, f"{dimension}_score")
