"""A case is one return: a principal applicant and the family members returning with them."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    orm,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.db import Base, UTCDateTime, enum_type, utcnow


class CaseStatus(str, enum.Enum):
    REFERRED = "referred"
    ARRIVED = "arrived"
    REINTEGRATION = "reintegration"
    MONITORING = "monitoring"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


# Arrived and not yet closed; written as SQL too, for the partial index that holds these cases only.
ACTIVE_STATUSES = (CaseStatus.ARRIVED, CaseStatus.REINTEGRATION, CaseStatus.MONITORING)
ACTIVE_SQL = "status IN ({})".format(", ".join(f"'{s.value}'" for s in ACTIVE_STATUSES))
# Active cases whose plan was never approved: the text of ix_cases_unplanned_arrival's condition,
# which SQLite uses only when a query's condition is written the same.
UNPLANNED_SQL = f"{ACTIVE_SQL} AND plan_approved_at IS NULL"
AWAITING_SQL = "referrals_awaiting > 0"  # cases with a referral awaiting an answer, as queries write it


class Sex(str, enum.Enum):
    F = "F"
    M = "M"
    X = "X"


class Relationship(str, enum.Enum):
    PRINCIPAL = "principal"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    SIBLING = "sibling"
    OTHER = "other"


class Vulnerability(str, enum.Enum):
    UNACCOMPANIED_MINOR = "unaccompanied_minor"
    MEDICAL = "medical"
    DISABILITY = "disability"
    TRAFFICKING_VICTIM = "trafficking_victim"
    SINGLE_PARENT = "single_parent"
    OLDER_PERSON = "older_person"


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("programme_id", "legacy_reference", name="uq_cases_programme_legacy_reference"),
        Index("ix_cases_programme_arrival", "programme_id", "arrival_date"),
        # A team's cases by status; with arrival and id, My work's counts (open cases, active ones past
        # the plan deadline) are read from the index alone.
        Index("ix_cases_programme_status_arrival", "programme_id", "status", "arrival_date", "id"),
        Index("ix_cases_programme_municipality", "programme_id", "municipality"),
        # The case list's default sort at scale; with programme_id, a late page is read from the index alone.
        Index("ix_cases_arrival_date_id", "arrival_date", "id", "programme_id"),
        Index("ix_cases_programme_municipality_arrival", "programme_id", "municipality", "arrival_date", "id"),
        Index("ix_cases_legacy_reference", "legacy_reference"),
        # A caseworker's cases by status and arrival: My work's counts and lists. With the programme
        # and the id, the caseworker's scope (and the join to their tasks, grants and referrals) is
        # read from the index alone; with plan_approved_at, their cases past the plan deadline too.
        Index("ix_cases_caseworker_status_arrival_programme", "caseworker_id", "status", "arrival_date",
              "programme_id", "id", "plan_approved_at"),
        # A case's scope by its id: a team's list of tasks, referrals or grants tests each row's case
        # (programme, caseworker) on this narrow index rather than on the case's row.
        Index("ix_cases_scope", "id", "programme_id", "caseworker_id"),
        # A caseworker's cases with a referral awaiting an answer (see AWAITING_SQL).
        Index("ix_cases_caseworker_awaiting", "caseworker_id", "programme_id", "id",
              sqlite_where=text(AWAITING_SQL), postgresql_where=text(AWAITING_SQL)),
        # My work's active cases without an approved plan, oldest first (see UNPLANNED_SQL): a team's
        # cases past their plan deadline, tested (scope, the programme's deadline) on the index entry.
        Index("ix_cases_unplanned_arrival", "arrival_date", "id", "programme_id", "caseworker_id",
              sqlite_where=text(UNPLANNED_SQL), postgresql_where=text(UNPLANNED_SQL)),
        CheckConstraint(
            "(status IN ('referred', 'withdrawn') AND arrival_date IS NULL)"
            " OR (status NOT IN ('referred', 'withdrawn') AND arrival_date IS NOT NULL)",
            name="arrival_date_iff_returned",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    legacy_reference: Mapped[str | None] = mapped_column(String(60))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    sending_country: Mapped[str | None] = mapped_column(String(2))
    arrival_date: Mapped[date | None] = mapped_column(Date)
    municipality: Mapped[str | None] = mapped_column(String(100))
    caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus, "case_status"), default=CaseStatus.REFERRED)
    notes: Mapped[str] = mapped_column(Text, default="")
    # When the case's reintegration plan was first approved; None until then. Written by the plan's
    # approval (casework.plans.services, through casework.cases.services.keep_on_case), kept on the
    # case so that the cases without an approved plan are found from an index of cases.
    plan_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How many of the case's referrals await the provider's answer: kept by the referral services
    # (through keep_on_case), so that a caseworker's cases with one are found from an index of cases.
    referrals_awaiting: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    programme: Mapped[Programme] = relationship()  # noqa: F821
    caseworker: Mapped[User | None] = relationship()  # noqa: F821
    persons: Mapped[list[Person]] = relationship(
        back_populates="case",
        cascade="all, delete-orphan",
        order_by="(Person.relationship != 'principal', Person.id)",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def principal(self) -> Person | None:
        return next((p for p in self.persons if p.relationship == Relationship.PRINCIPAL), None)

    def __repr__(self) -> str:
        return f"<Case {self.reference}>"


def _family_first_key(context) -> str:
    from casework.search.normalize import search_key

    params = context.get_current_parameters()
    return search_key(params.get("family_name"), params.get("given_name"))


def _given_first_key(context) -> str:
    from casework.search.normalize import search_key_given_first

    params = context.get_current_parameters()
    return search_key_given_first(params.get("family_name"), params.get("given_name"))


class Person(Base):
    __tablename__ = "persons"
    __table_args__ = (
        # Exactly one principal per case is enforced by the database, not only by forms.
        Index(
            "uq_persons_one_principal",
            "case_id",
            unique=True,
            sqlite_where=text("relationship = 'principal'"),
            postgresql_where=text("relationship = 'principal'"),
        ),
        CheckConstraint("birth_year BETWEEN 1890 AND 2200", name="birth_year_plausible"),
        Index("ix_persons_search_key", "search_key", "id"),  # a name search reads (key, id) in order
        Index("ix_persons_search_key_given_first", "search_key_given_first", "id"),
        Index("ix_persons_birth_date", "birth_date"),
        Index("ix_persons_birth_year", "birth_year"),
        # Few persons have returned before: a partial index stays small, and its statistics
        # are not drowned by the NULLs (which made SQLite's planner scan the table instead).
        Index("ix_persons_returned_from_person_id", "returned_from_person_id",
              sqlite_where=text("returned_from_person_id IS NOT NULL"),
              postgresql_where=text("returned_from_person_id IS NOT NULL")),
    )

    # The column "relationship" shadows orm.relationship() inside this class body.
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    family_name: Mapped[str] = mapped_column(String(100))
    given_name: Mapped[str] = mapped_column(String(100))
    sex: Mapped[Sex] = mapped_column(enum_type(Sex, "sex"))
    # Legacy records often know only the year of birth: birth_date is then NULL,
    # never invented as 1 January.
    birth_year: Mapped[int] = mapped_column()
    birth_date: Mapped[date | None] = mapped_column(Date)
    nationality: Mapped[str | None] = mapped_column(String(3))
    relationship: Mapped[Relationship] = mapped_column(enum_type(Relationship, "relationship"))
    travelled: Mapped[bool] = mapped_column(default=True)
    # Normalised names (casework.search.normalize), filled on every insert, Core or ORM.
    search_key: Mapped[str] = mapped_column(String(220), default=_family_first_key)
    search_key_given_first: Mapped[str] = mapped_column(String(220), default=_given_first_key)
    # "Returned again": this person is the same individual as an earlier case's person.
    returned_from_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    case: Mapped[Case] = orm.relationship(back_populates="persons")
    vulnerability_rows: Mapped[list[PersonVulnerability]] = orm.relationship(
        cascade="all, delete-orphan", order_by="PersonVulnerability.code"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def vulnerabilities(self) -> list[Vulnerability]:
        return [row.code for row in self.vulnerability_rows]

    def set_vulnerabilities(self, codes) -> None:
        wanted = {Vulnerability(c) for c in codes}
        self.vulnerability_rows = [r for r in self.vulnerability_rows if r.code in wanted]
        have = {r.code for r in self.vulnerability_rows}
        for code in sorted(wanted - have, key=lambda v: v.value):
            self.vulnerability_rows.append(PersonVulnerability(code=code))

    @property
    def birth_display(self) -> str:
        return self.birth_date.isoformat() if self.birth_date else str(self.birth_year)

    def age_on(self, day: date) -> int:
        """Age on a day; with a year-only birth date, the difference of years."""
        if self.birth_date is None:
            return day.year - self.birth_year
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - int(before_birthday)


class PersonVulnerability(Base):
    __tablename__ = "person_vulnerabilities"

    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[Vulnerability] = mapped_column(enum_type(Vulnerability, "vulnerability"), primary_key=True)


@event.listens_for(Person, "before_update")
def _refresh_search_keys(mapper, connection, person: Person) -> None:
    """Names edited through the ORM get fresh keys in the same UPDATE."""
    from casework.search.normalize import search_key, search_key_given_first

    person.search_key = search_key(person.family_name, person.given_name)
    person.search_key_given_first = search_key_given_first(person.family_name, person.given_name)
