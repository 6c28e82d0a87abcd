"""`casework import persons|grants FILE`: the import engine from the command line."""
from __future__ import annotations

import csv
from pathlib import Path

import click
from flask.cli import with_appcontext

from casework.cli import CommandError

import_cli = click.Group("import", help="Import legacy caseload files (CSV or XLSX).")


def _run(kind: str, path: str, dry_run: bool, errors_path: str | None) -> None:
    from casework.extensions import db
    from casework.imports.services import ImportRefused, import_file, import_or_refuse
    from casework.progress import Progress
    from casework.transactions import run_in_transaction

    data = Path(path).read_bytes()
    progress = Progress(f"Importing {kind}")
    if dry_run:
        result = import_file(kind, data, Path(path).name, dry_run=True, progress=progress)
        db.session.rollback()  # a dry run reads only
    else:
        try:
            result = run_in_transaction(lambda: import_or_refuse(kind, data, Path(path).name, progress=progress))
        except ImportRefused as refused:
            result = refused.result
    progress.finish() if progress.done else None
    for error in result.errors:
        click.echo(str(error))
    if errors_path:
        import os

        # The bad rows quote the file's personal data: owner-only, whatever the umask.
        descriptor = os.open(errors_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)
        with open(descriptor, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["row", "column", "error"])
            writer.writerows([e.row, e.column, e.message] for e in result.errors)
    if result.errors:
        raise CommandError(f"{len(result.errors)} bad rows in {Path(path).name}; nothing was imported.")
    if dry_run:
        for warning in result.warnings:
            click.echo(f"Warning: {warning}")
        click.echo(f"Dry run: {result.summary()} Nothing was written.")
        return
    click.echo(f"Imported {result.summary()}")


_errors_help = "Also write the bad rows (row, column, error) to this CSV file."


@import_cli.command("persons")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option("--errors", "errors_path", type=click.Path(dir_okay=False, writable=True), help=_errors_help)
@with_appcontext
def import_persons(path, dry_run, errors_path):
    """Import a persons file (one row per person; rows with the same case_ref form one case)."""
    _run("persons", path, dry_run, errors_path)


@import_cli.command("grants")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option("--errors", "errors_path", type=click.Path(dir_okay=False, writable=True), help=_errors_help)
@with_appcontext
def import_grants(path, dry_run, errors_path):
    """Import a grants file (one row per grant, for cases imported before)."""
    _run("grants", path, dry_run, errors_path)


@import_cli.command("run")
@click.argument("upload_id", type=int)
@click.option("--locale", default="en", help="The language of the problems recorded (en, sr_Latn, sr_Cyrl).")
@with_appcontext
def import_run(upload_id, locale):
    """Run the import of a file confirmed on the import page (the page starts this itself)."""
    from casework.imports.jobs import run

    state = run(upload_id, locale)
    if state == "absent":
        raise CommandError(f"no confirmed import {upload_id} waiting to run")
    if state != "done":
        raise CommandError(f"import {upload_id} stopped; nothing was imported (see its page)")
    click.echo(f"Import {upload_id} done.")
