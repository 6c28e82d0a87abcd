"""Helpers shared by every CSV/XLSX export."""
from __future__ import annotations

import csv
import io

# A cell starting with one of these is read as a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise spreadsheet formula injection: text that would start a formula gets a leading quote.

    Numbers, dates and None pass unchanged, so numeric cells stay numeric.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_stream(rows):
    """CSV text in pieces of 500 rows, formula-safe, with a BOM so that Excel reads UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for n, row in enumerate(rows, 1):
        writer.writerow([safe_cell(v) for v in row])
        if n % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
