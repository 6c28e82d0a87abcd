"""Charts drawn on the server as SVG (pygal) from the report's tables; no JavaScript, no remote asset.

Each chart is returned as a data: URI so that the same picture goes into the page (as an
image, which the page's Content-Security-Policy allows) and into the PDF.
"""
from __future__ import annotations

import base64
from decimal import Decimal

import pygal
from pygal.style import Style

STYLE = Style(
    background="white", plot_background="white", foreground="#1d2733", foreground_strong="#1d2733",
    foreground_subtle="#d7dde4", colors=("#1f5f99", "#d08c2f", "#1d6b3a", "#a32020", "#6b4c9a", "#5b6775"),
    font_family="DejaVu Sans, Arial, sans-serif", label_font_size=12, major_label_font_size=12,
    legend_font_size=12, title_font_size=14, value_font_size=11,
)

# Which columns of which table make a chart.
CHARTS = {
    "arrivals": (pygal.Bar, [1, 2]),
    "by_sex": (pygal.Bar, [1]),
    "by_age_group": (pygal.Bar, [1]),
    # The grants table's title names its currency: the chart draws the amounts (proposed, approved,
    # pending, disbursed), not the counts. Long category names read best on the side.
    "grants": (pygal.HorizontalBar, [2, 5, 8, 9]),
}


def _number(value):
    # Withheld cells ("<N", "[c]") are left out of the picture rather than drawn at a guessed height.
    if isinstance(value, (bool, str)):
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value if isinstance(value, int) else None


def chart_for(table) -> str | None:
    """A data: URI with the SVG chart of a table, or None for tables without a chart."""
    spec = CHARTS.get(table.key)
    if spec is None:
        return None
    kind, columns = spec
    rows = [r for r in table.rows if table.key != "grants" or r is not table.rows[-1]]  # no total bar
    chart = kind(
        style=STYLE, width=640, height=380 if kind is pygal.HorizontalBar else 300, js=[], disable_xml_declaration=False, show_legend=len(columns) > 1,
        legend_at_bottom=True, x_label_rotation=30 if len(rows) > 8 else 0, print_values=len(rows) <= 12,
        show_y_guides=True, truncate_label=-1, truncate_legend=-1, title=table.title, explicit_size=True,
        show_minor_x_labels=len(rows) <= 24, x_labels_major_every=max(1, len(rows) // 12),
    )
    chart.x_labels = [str(r[0]) for r in rows]
    for index in columns:
        chart.add(table.headers[index], [_number(r[index]) for r in rows])
    return data_uri(chart)


def data_uri(chart) -> str:
    """A rendered pygal chart as a data: URI (an image the Content-Security-Policy allows)."""
    svg = chart.render(is_unicode=False)
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def charts_for(tables) -> dict[str, str]:
    return {t.key: uri for t in tables if (uri := chart_for(t))}
