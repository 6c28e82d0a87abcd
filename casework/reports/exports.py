"""Report exports: CSV (a zip, one file per table), XLSX (one sheet per table), PDF and JSON."""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal

from casework.exports import safe_cell
from casework.reports.engine import Figures
from casework.reports.tables import Table

FORMATS = {
    "csv": ("application/zip", "zip"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pdf": ("application/pdf", "pdf"),
    "json": ("application/json", "json"),
}


def filename(figures: Figures, fmt: str, suffix: str = "") -> str:
    period = figures.period.label.replace("..", "_")
    return f"report-{figures.programme}-{period}{suffix}.{FORMATS[fmt][1]}"


def _text(value, kind: str = "text") -> str:
    if value is None:
        return ""
    if kind in ("score", "share") and isinstance(value, Decimal):
        return f"{value}"  # every stored decimal: a score or share is not money
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def to_csv_zip(tables: list[Table]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for number, table in enumerate(tables, 1):
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow([safe_cell(h) for h in table.headers])
            for row in table.rows:
                writer.writerow([safe_cell(_text(v)) if isinstance(v, str) else _text(v, kind)
                                 for v, kind in zip(row, table.kinds, strict=False)])
            zf.writestr(f"{number:02d}-{table.key}.csv", "\ufeff" + out.getvalue())
    return buffer.getvalue()


def to_xlsx(tables: list[Table]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "remove_timezone": True})
    head = book.add_format({"bold": True, "bg_color": "#EEF1F4", "border": 1})
    formats = {
        "money": book.add_format({"num_format": "#,##0.00"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "score": book.add_format({"num_format": "0.0000"}),
        "share": book.add_format({"num_format": "0.0%"}),
    }
    used = set()
    for table in tables:
        name = re.sub(r"[\[\]:*?/\\]", " ", table.sheet_name)[:31]
        while name in used:
            name = name[:29] + f"{len(used):02d}"
        used.add(name)
        sheet = book.add_worksheet(name)
        for col, header in enumerate(table.headers):
            sheet.write_string(0, col, header, head)
            sheet.set_column(col, col, 14 if col else 34)
        for r, row in enumerate(table.rows, 1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, Decimal) and table.kinds[c] in ("score", "share"):
                    sheet.write_number(r, c, float(value), formats[table.kinds[c]])
                elif isinstance(value, Decimal):
                    # The nearest binary number to a two-decimal amount, shown with two decimals.
                    sheet.write_number(r, c, float(value), formats["money"])
                elif isinstance(value, int):
                    sheet.write_number(r, c, value)
                elif isinstance(value, datetime):
                    sheet.write_datetime(r, c, value.replace(tzinfo=None), formats["datetime"])
                elif isinstance(value, date):
                    sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), formats["date"])
                else:
                    sheet.write_string(r, c, safe_cell(str(value)))
    book.close()
    return buffer.getvalue()


def to_json(figures: Figures) -> bytes:
    """The figures as JSON: exact for staff; a donor's release with its withheld cells as "<N" / "[c]"."""
    from casework.reports.engine import json_totals

    return (json.dumps(json_totals(figures), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def to_pdf(figures: Figures, tables: list[Table], *, submitted=None) -> bytes:
    from flask import current_app
    from weasyprint import HTML

    from casework.i18n import current_locale, html_lang
    from casework.reports.charts import charts_for

    # Rendered without the page's context processors, so that the command line can print it too.
    html = current_app.jinja_env.get_template("reports/pdf.html").render(
        figures=figures, tables=tables, charts=charts_for(tables), submitted=submitted,
        lang=html_lang(current_locale()))
    return HTML(string=html).write_pdf()


def render_export(figures: Figures, tables: list[Table], fmt: str, *, submitted=None) -> bytes:
    if fmt == "csv":
        return to_csv_zip(tables)
    if fmt == "xlsx":
        return to_xlsx(tables)
    if fmt == "pdf":
        return to_pdf(figures, tables, submitted=submitted)
    if fmt == "json":
        return to_json(figures)
    raise ValueError(f"unknown format {fmt}")
