"""`casework report totals` and `casework report export`: the engine's figures on the command line."""
from __future__ import annotations

import csv
import io
import json
import sys

import click
from flask.cli import with_appcontext

from casework.cli import CommandError, _date
from casework.transactions import run_in_transaction

report_cli = click.Group("report", help="Donor report figures and exports.")


def _programme(code):
    from casework.programmes.services import find_programme

    programme = find_programme(code)
    if programme is None:
        raise CommandError(f"no programme with code {code}")
    return programme


@report_cli.command("totals")
@click.option("--programme", "code", required=True, help="Programme code, e.g. AVR-CH.")
@click.option("--period", help="2011, 2011-H1, 2011-Q3, 2011-05 or 2011-01-01..2011-06-30 (instead of --from/--to).")
@click.option("--from", "start", callback=_date, help="YYYY-MM-DD (default: the programme's start).")
@click.option("--to", "end", callback=_date, help="YYYY-MM-DD (default: today).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "table"]), default="table", show_default=True)
@with_appcontext
def totals(code, period, start, end, fmt):
    """Cases, persons, breakdowns and grant figures of a programme for a period."""
    from casework.reports.engine import compute_figures, json_totals
    from casework.reports.periods import PeriodError, parse_period, period_between

    programme = _programme(code)
    if period and (start or end):
        raise CommandError("give either --period or --from/--to, not both")
    try:
        period = parse_period(period) if period else period_between(programme, start, end)
    except PeriodError as error:
        raise CommandError(str(error)) from None
    figures = compute_figures(programme, period)
    data = json_totals(figures)
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    rows = _flat_rows(data)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["figure", "value"])
        writer.writerows(rows)
        click.echo(out.getvalue(), nl=False)
        return
    width = max(len(k) for k, _v in rows)
    for key, value in rows:
        click.echo(f"{key:<{width}}  {value}")


def _flat_rows(data, prefix=""):
    rows = []
    for key, value in data.items():
        if isinstance(value, dict):
            rows += _flat_rows(value, f"{prefix}{key}.")
        else:
            rows.append((f"{prefix}{key}", value))
    return rows


@report_cli.command("export")
@click.option("--programme", "code", required=True, help="Programme code, e.g. AVR-CH.")
@click.option("--period", required=True, help="2011, 2011-H1, 2011-Q3, 2011-05 or 2011-01-01..2011-06-30.")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "pdf", "csv", "json"]), required=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True, allow_dash=True))
@click.option("--as-donor", is_flag=True, help="The release as its donor receives it (release periods only).")
@with_appcontext
def export(code, period, fmt, output, as_donor):
    """Write a period report as XLSX, PDF, CSV (zip) or JSON."""
    from casework.audit.services import record
    from casework.reports.engine import compute_figures
    from casework.reports.exports import render_export
    from casework.reports.periods import PeriodError, parse_period
    from casework.reports.tables import build_tables

    programme = _programme(code)
    try:
        parsed = parse_period(period)
    except PeriodError as error:
        raise CommandError(str(error)) from None
    if as_donor:
        from casework.reports.disclosure import calendar_periods, release_for_donor

        if parsed not in calendar_periods(programme):
            raise CommandError(f"{parsed.label} is not a release period of {programme.code} that has ended")
        figures = release_for_donor(programme, parsed)
    else:
        figures = compute_figures(programme, parsed)
    from flask_babel import force_locale

    with force_locale(programme.report_language or "en"):
        body = render_export(figures, build_tables(figures), fmt)
    if output == "-":
        sys.stdout.buffer.write(body)
    else:
        with open(output, "wb") as fh:
            fh.write(body)
    run_in_transaction(lambda: record(
        "report_exported", entity_type="programmes", entity_id=programme.id, programme_id=programme.id,
        changes={"format": fmt, "from": parsed.start, "to": parsed.end, "via": "cli"},
        summary=f"{programme.code} {parsed.label} {fmt} (command line)"))
    if output != "-":
        click.echo(f"Report {programme.code} {parsed.label} written to {output}.", err=True)


@report_cli.command("audit")
@click.option("--programme", "code", required=True, help="Programme code, e.g. AVR-CH.")
@click.option("--year", type=int, help="Audit the releases of this year only (default: every year).")
@with_appcontext
def audit(code, year):
    """The disclosure audit: can a donor work out any small count from all their releases together?

    Exits non-zero when a suppressed count below the threshold has fewer than three possible values."""
    import time

    from casework.reports.disclosure import (
        audited_cells,
        disclosure_audit,
        protected_model,
    )

    programme = _programme(code)
    began = time.perf_counter()
    model = protected_model(programme)
    findings = disclosure_audit(model, year=year)
    seconds = time.perf_counter() - began
    scope = f"{year}" if year else "every year"
    click.echo(f"{programme.code} ({scope}): {len(model.releases)} releases, threshold {model.threshold}, "
               f"{audited_cells(model, year)} suppressed counts below the threshold audited, "
               f"{len(findings)} disclosed, in {seconds:.1f} s")
    for f in findings:
        click.echo(f"  {f.release} {f.cell}: a donor can tell it lies in [{f.low:g}, {f.high:g}] "
                   f"({f.possible_values} possible values)")
    if findings:
        raise SystemExit(1)
