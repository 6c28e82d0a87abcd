"""Database building blocks: the declarative base, UTC timestamps and exact money."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from sqlalchemy import BigInteger, Boolean, DateTime, MetaData
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp. Naive datetimes are refused, never guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused; use an aware UTC datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


CENT = Decimal("0.01")
# Digits with an optional decimal point: no exponent ("1e3"), no grouping, no "NaN".
_PLAIN_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


class MoneyError(ValueError):
    pass


def to_money(value) -> Decimal:
    """Parse an amount into a Decimal with two places; refuse NaN, infinity and extra precision."""
    if isinstance(value, float):
        raise MoneyError("amounts are never floats")
    if isinstance(value, str) and not _PLAIN_DECIMAL.fullmatch(value.strip()):
        raise MoneyError("write the amount in plain digits, like 1500 or 1500.50")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise MoneyError("not an amount") from None
    if not amount.is_finite():
        raise MoneyError("not an amount")
    if abs(amount) >= Decimal("1e13"):  # before rounding: 1e309 cannot even be rounded to cents
        raise MoneyError("amount too large")
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise MoneyError("at most two decimals")
    return amount.quantize(CENT)


class Money(TypeDecorator):
    """Exact money: stored as integer minor units, a Decimal with two places in Python.

    Sums computed in SQL (``func.sum(column)``) keep this type, so aggregates come back
    as Decimal too.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int(to_money(value) * 100)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(CENT)


def format_money(amount: Decimal | None, currency: str, locale=None) -> str:
    """An amount with its currency code, in the reader's locale: "CHF 3,050.00", "3.050,00 CHF"."""
    if amount is None:
        return ""
    from casework.i18n import current_locale

    # + 0 makes a negative zero plain zero: equal amounts share one cached text.
    return _money_text(amount + 0, currency or "", str(locale or current_locale()))


@lru_cache(maxsize=4096)
def _money_text(amount: Decimal, currency: str, locale: str) -> str:
    """Babel's formatting, kept for the amounts a list repeats (a page of grants shows dozens, and
    Babel takes tens of microseconds for each); equal amounts print alike, 2500.5 as 2500.50."""
    from babel.numbers import format_currency, format_decimal

    if not currency:  # a figure summed over currencies, or one the page names once: the number alone
        return format_decimal(amount, format="#,##0.00", locale=locale)
    pattern = "¤¤\xa0#,##0.00" if locale == "en" else "#,##0.00\xa0¤¤"
    return format_currency(amount, currency, format=pattern, locale=locale, currency_digits=False).replace("\xa0", " ")


def enum_type(enum_cls, name: str):
    """A string column restricted to an Enum's values, checked by the database too."""
    from sqlalchemy import Enum

    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def written(column, value):
    """`value`, to compare with `column`, written into the SQL rather than bound: SQLite uses a
    partial index only when the query's condition is the index's own text ("status = 'open'"),
    and it knows nothing of how rare one status is. On PostgreSQL a statement run often is
    prepared; with its limits and days written in, it is planned once for all its runs (a generic
    plan), where with them bound the planner plans each run anew."""
    from sqlalchemy import bindparam

    return bindparam(None, value, type_=column.type, literal_execute=True)


class _InFew(ColumnElement):
    """`column IN (subquery)` for a subquery of few rows: on PostgreSQL `column = ANY(ARRAY(subquery))`,
    which runs the subquery once and then looks each value up, where the planner may otherwise walk
    the whole table in the column's order hoping to meet the few (see `in_few`)."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a condition in itself, never compared with 1
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("subquery", InternalTraversal.dp_clauseelement)]

    def __init__(self, column, subquery):
        self.column, self.subquery = column, subquery.scalar_subquery()

    @property
    def _from_objects(self):
        return self.column._from_objects  # the column's table is in the FROM list, as with IN


@compiles(_InFew)
def _in_few_default(element, compiler, **kw):
    return f"{compiler.process(element.column, **kw)} IN {compiler.process(element.subquery, **kw)}"


@compiles(_InFew, "postgresql")
def _in_few_postgresql(element, compiler, **kw):
    return f"{compiler.process(element.column, **kw)} = ANY(ARRAY{compiler.process(element.subquery, **kw)})"


def in_few(column, subquery):
    """The rows whose `column` is among what `subquery` selects, when it selects few: the open monitoring
    flags among every grant, for one."""
    return _InFew(column, subquery)
