"""Reporting periods: a year, a half-year, a quarter, a month or any from/to range, ends included."""
from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from casework.dates import parse_date


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise PeriodError(f"the period ends ({self.end}) before it starts ({self.start})")

    @property
    def label(self) -> str:
        s, e = self.start, self.end
        if s.day == 1 and s.month == 1 and e == date(s.year, 12, 31):
            return str(s.year)
        if s.day == 1 and e == _month_end(e.year, e.month) and s.year == e.year:
            months = e.month - s.month + 1
            if months == 6 and s.month in (1, 7):
                return f"{s.year}-H{1 if s.month == 1 else 2}"
            if months == 3 and s.month in (1, 4, 7, 10):
                return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
            if months == 1:
                return f"{s.year}-{s.month:02d}"
        return f"{s.isoformat()}..{e.isoformat()}"

    def __str__(self) -> str:
        return self.label


_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_HALF = re.compile(r"^(\d{4})-?H([12])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month_end(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def parse_period(text: str) -> Period:
    """'2011', '2011-Q3', '2011-H1', '2011-05' or 'YYYY-MM-DD..YYYY-MM-DD'."""
    text = (text or "").strip()
    if m := _YEAR.match(text):
        y = int(m.group(1))
        return Period(date(y, 1, 1), date(y, 12, 31))
    if m := _QUARTER.match(text):
        y, q = int(m.group(1)), int(m.group(2))
        return Period(date(y, 3 * q - 2, 1), _month_end(y, 3 * q))
    if m := _HALF.match(text):
        y, h = int(m.group(1)), int(m.group(2))
        return Period(date(y, 6 * h - 5, 1), _month_end(y, 6 * h))
    if (m := _MONTH.match(text)) and 1 <= int(m.group(2)) <= 12:
        y, mo = int(m.group(1)), int(m.group(2))
        return Period(date(y, mo, 1), _month_end(y, mo))
    if ".." in text:
        left, right = text.split("..", 1)
        start, end = parse_date(left), parse_date(right)
        if start and end:
            return Period(start, end)
    raise PeriodError(f"'{text}' is not a period like 2011, 2011-Q3, 2011-H1, 2011-05 or 2011-01-01..2011-06-30")


def period_between(programme, start: date | None, end: date | None, today: date | None = None) -> Period:
    """From/to with the defaults of the reports: the programme's start, and today."""
    return Period(start or programme.start_date, end or today or date.today())
