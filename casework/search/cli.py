"""`casework search`: keeping the person search keys right."""
from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group("search")
def search_cli():
    """Finding people."""


@search_cli.command("rekey")
@with_appcontext
def search_rekey():
    """Recompute every person's search keys (after a change to the normalisation)."""
    from casework.search.services import rekey_persons
    from casework.transactions import run_in_transaction

    changed = run_in_transaction(rekey_persons)
    click.echo(f"{changed:,} persons had their search keys recomputed.")
