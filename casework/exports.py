"""Helpers shared by every CSV/XLSX export."""
from __future__ import annotations

# A cell starting with one of these is read as a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise spreadsheet formula injection: text that would start a formula gets a leading quote.

    Numbers, dates and None pass unchanged, so numeric cells stay numeric.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
