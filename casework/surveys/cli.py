"""`casework surveys ...`: load instrument definitions and list their versions."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from casework.cli import CommandError, _user, run_service

surveys_cli = click.Group("surveys", help="Sustainability survey instruments.")


EXAMPLE = Path(__file__).resolve().parent / "example-instrument.json"


@surveys_cli.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False), required=False)
@click.option("--example", is_flag=True, help="Load the example instrument shipped with casework (not IOM's RSS).")
@click.option("--user", "username", default=None, help="The administrator loading it (recorded in the audit trail).")
@with_appcontext
def surveys_load(file, example, username):
    """Load an instrument definition (JSON). A changed definition becomes the next version."""
    from casework.surveys.services import MAX_FILE_BYTES, load_instrument

    if bool(file) == bool(example):
        raise CommandError("give either an instrument FILE or --example")
    file = file or EXAMPLE
    user = _user(username) if username else None
    with open(file, "rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    version, new = run_service(lambda: load_instrument(raw, actor=user))
    code = version.instrument.code
    if new:
        click.echo(f"Instrument {code}: version {version.number} loaded ({len(version.definition['questions'])} "
                   f"questions).")
    else:
        click.echo(f"Instrument {code}: unchanged, still version {version.number}.")


@surveys_cli.command("list")
@with_appcontext
def surveys_list():
    """List instruments and their versions."""
    from casework.surveys.services import instruments

    found = instruments()
    if not found:
        raise CommandError("no survey instruments loaded; load one with `casework surveys load FILE`")
    for instrument in found:
        click.echo(instrument.code)
        for v in instrument.versions:
            weights = v.definition["dimension_weights"]
            click.echo(f"  v{v.number}  loaded {v.loaded_at:%Y-%m-%d %H:%M}  {len(v.definition['questions'])} "
                       f"questions  weights economic {weights['economic']}, social {weights['social']}, "
                       f"psychosocial {weights['psychosocial']}  {v.title}")
