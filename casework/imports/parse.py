"""Reading a legacy file into rows: CSV (UTF-8 with or without BOM, or Windows-1250) or XLSX."""
from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime


class FileError(Exception):
    """The file as a whole cannot be read (not a row error)."""


@dataclass
class Table:
    header: list[str]
    # (row number counting the header as row 1, {column: stripped value})
    rows: list[tuple[int, dict]] = field(default_factory=list)


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped) or, when that fails, Windows-1250 as Excel saves it in Serbia."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1250")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _raw_rows(data: bytes, file_name: str):
    if data[:4] == b"PK\x03\x04" or file_name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a damaged file
            raise FileError("not a readable XLSX file") from None
        try:
            sheet = workbook.worksheets[0]
            for values in sheet.iter_rows(values_only=True):
                yield [_cell(v) for v in values]
        finally:
            workbook.close()
        return
    yield from csv.reader(io.StringIO(decode(data), newline=""))


def read_table(data: bytes, file_name: str = "") -> Table:
    rows = _raw_rows(data, file_name)
    header = None
    for header in rows:
        break
    if not header or not any(c.strip() for c in header):
        raise FileError("the file is empty; the first row must be the header")
    names = [c.strip().lower() for c in header]
    while names and not names[-1]:
        names.pop()  # trailing empty header cells (spreadsheets)
    table = Table(header=names)
    width = len(names)
    for number, values in enumerate(rows, start=2):
        values = [v.strip() if isinstance(v, str) else _cell(v) for v in values]
        if not any(values):
            continue
        if len(values) > width and any(values[width:]):
            table.rows.append((number, {"": "more values than columns in the header"}))
            continue
        values += [""] * (width - len(values))
        table.rows.append((number, dict(zip(names, values))))
    return table
