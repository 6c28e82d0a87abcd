"""Reading a legacy file into rows: CSV (UTF-8 with or without BOM, or Windows-1250) or XLSX.

Rows are read as a stream and the file is refused as a whole, before any row is checked, when
it is larger than the limits allow: more rows than `max_rows`, an XLSX whose parts unpack to
more than `max_unpacked` bytes or number more than `max_parts`, a sheet that declares more rows
or columns than allowed, or any XML part with a DOCTYPE (entity expansion).
"""
from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime


class FileError(Exception):
    """The file as a whole cannot be read (not a row error)."""


@dataclass(frozen=True)
class Limits:
    max_rows: int = 200_000  # data rows, the header not counted
    max_columns: int = 64
    max_unpacked: int = 200 * 1024 * 1024  # bytes, all parts of an XLSX together
    max_parts: int = 500

    @classmethod
    def from_config(cls, config) -> Limits:
        default = cls()
        return cls(max_rows=config.get("IMPORT_MAX_ROWS", default.max_rows),
                   max_columns=config.get("IMPORT_MAX_COLUMNS", default.max_columns),
                   max_unpacked=config.get("IMPORT_XLSX_MAX_UNPACKED", default.max_unpacked),
                   max_parts=config.get("IMPORT_XLSX_MAX_PARTS", default.max_parts))


@dataclass
class Table:
    header: list[str]
    # (row number counting the header as row 1, {column: stripped value}), read as iterated
    rows: Iterator[tuple[int, dict]] = field(default_factory=lambda: iter(()))


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


def _too_many_rows(limits: Limits) -> FileError:
    return FileError(f"the file has more than {limits.max_rows:,} rows; split it into smaller files")


def _check_xlsx_package(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse a package that would unpack too large, has too many parts, or declares a DTD."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    parts = archive.infolist()
    if len(parts) > limits.max_parts:
        raise FileError(f"the XLSX file has {len(parts):,} parts; at most {limits.max_parts:,} are accepted")
    unpacked = sum(p.file_size for p in parts)
    if unpacked > limits.max_unpacked:
        raise FileError(f"the XLSX file unpacks to {unpacked // 2**20:,} MB; at most "
                        f"{limits.max_unpacked // 2**20:,} MB are accepted")
    for part in parts:
        if not part.filename.endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with archive.open(part) as stream:
                for _event, _element in iterparse(stream, events=("start",), forbid_dtd=True):
                    break  # a DOCTYPE can only come before the first element
        except DefusedXmlException:
            raise FileError("the XLSX file contains a document type declaration (DOCTYPE), which is not "
                            "accepted") from None
        except Exception:  # a damaged part: expat and zlib raise several kinds
            raise FileError("not a readable XLSX file") from None


def _dimension_rows_columns(ref: str) -> tuple[int, int] | None:
    from openpyxl.utils.cell import range_boundaries

    try:
        _min_col, _min_row, max_col, max_row = range_boundaries(ref)
    except (ValueError, TypeError):
        return None
    return max_row or 0, max_col or 0


def _xlsx_rows(data: bytes, limits: Limits):
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise FileError("not a readable XLSX file") from None
    _check_xlsx_package(archive, limits)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise FileError("not a readable XLSX file") from None
    try:
        if not workbook.worksheets:
            raise FileError("the XLSX file has no sheet")
        sheet = workbook.worksheets[0]
        declared = sheet.calculate_dimension() if hasattr(sheet, "calculate_dimension") else None
        size = _dimension_rows_columns(declared) if declared else None
        if size and size[0] > limits.max_rows + 1:
            raise _too_many_rows(limits)
        if size and size[1] > limits.max_columns:
            raise FileError(f"the sheet declares {size[1]:,} columns; at most {limits.max_columns} are accepted")
        # Read what the sheet holds, not what it declares: a declared size is only padding.
        sheet.reset_dimensions()
        for values in sheet.iter_rows(values_only=True):
            if len(values) > limits.max_columns:
                raise FileError(f"a row has more than {limits.max_columns} columns")
            yield [_cell(v) for v in values]
    except FileError:
        raise
    except Exception:  # a malformed sheet discovered while reading it
        raise FileError("not a readable XLSX file") from None
    finally:
        workbook.close()


def _csv_rows(data: bytes, limits: Limits):
    text = decode(data)
    if text.count("\n") > limits.max_rows:  # cheap bound first; only quoted line breaks make it high
        count = text.count("\n") + (not text.endswith("\n")) if '"' not in text else \
            sum(1 for _row in csv.reader(io.StringIO(text, newline="")))
        if count > limits.max_rows + 1:
            raise _too_many_rows(limits)
    try:
        for values in csv.reader(io.StringIO(text, newline="")):
            if len(values) > limits.max_columns:
                raise FileError(f"a row has more than {limits.max_columns} columns")
            yield values
    except csv.Error as error:
        raise FileError(f"not a readable CSV file ({error})") from None


def _raw_rows(data: bytes, file_name: str, limits: Limits):
    if data[:4] == b"PK\x03\x04" or file_name.lower().endswith(".xlsx"):
        return _xlsx_rows(data, limits)
    return _csv_rows(data, limits)


def unpacked_size(data: bytes) -> int:
    """What reading the file means, in bytes: a CSV's own size, an XLSX's parts unpacked."""
    if data[:4] == b"PK\x03\x04":
        try:
            return sum(part.file_size for part in zipfile.ZipFile(io.BytesIO(data)).infolist())
        except (zipfile.BadZipFile, ValueError):
            return len(data)
    return len(data)


def read_table(data: bytes, file_name: str = "", limits: Limits | None = None) -> Table:
    """The header now, the rows as they are iterated (FileError may come from either)."""
    limits = limits or Limits()
    rows = _raw_rows(data, file_name, limits)
    header = next(rows, None)
    if not header or not any(c.strip() for c in header):
        raise FileError("the file is empty; the first row must be the header")
    names = [c.strip().lower() for c in header]
    while names and not names[-1]:
        names.pop()  # trailing empty header cells (spreadsheets)
    return Table(header=names, rows=_table_rows(rows, names, limits))


def _table_rows(rows, names: list[str], limits: Limits):
    width = len(names)
    for number, values in enumerate(rows, start=2):
        if number > limits.max_rows + 1:
            raise _too_many_rows(limits)
        values = [v.strip() if isinstance(v, str) else _cell(v) for v in values]
        if not any(values):
            continue
        if len(values) > width and any(values[width:]):
            yield number, {"": "more values than columns in the header"}
            continue
        values += [""] * (width - len(values))
        yield number, dict(zip(names, values, strict=False))
