"""Parsing the date forms found in legacy records and typed by people."""
from __future__ import annotations

import re
from datetime import date

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})\.?$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_date(text: str) -> date | None:
    """YYYY-MM-DD or DD.MM.YYYY; None when the text is not such a date."""
    text = (text or "").strip()
    m = _ISO.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _DOTTED.match(text)
        if not m:
            return None
        d, mo, y = (int(g) for g in m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def parse_birth(text: str) -> tuple[int, date | None] | None:
    """A date of birth that may be a bare year: (year, full date or None), or None if unreadable."""
    text = (text or "").strip()
    m = _YEAR.match(text)
    if m:
        return int(m.group(1)), None
    full = parse_date(text)
    if full is None:
        return None
    return full.year, full
