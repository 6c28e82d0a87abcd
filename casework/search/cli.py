"""`casework search`: find people from the command line, and measure search speed."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("search")
def search_cli():
    """Finding people."""


@search_cli.command("bench")
@click.option("--runs", type=click.IntRange(min=1), default=3, show_default=True, help="Timings per query.")
def search_bench(runs):
    """Print search_p95_ms and search_vs_trivial for the current database as JSON."""
    from casework.search.bench import measure_search

    click.echo(json.dumps(measure_search(current_app._get_current_object(), runs=runs)))


@search_cli.command("rekey")
@with_appcontext
def search_rekey():
    """Recompute every person's search keys (after a change to the normalisation)."""
    from casework.extensions import db
    from casework.search.services import rekey_persons

    changed = rekey_persons()
    db.session.commit()
    click.echo(f"{changed:,} persons had their search keys recomputed.")
