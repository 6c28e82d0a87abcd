"""The `casework` command line: a Flask CLI group around the application factory."""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from casework.errors import DomainError


def _create_app():
    from casework import create_app

    return create_app()


def main() -> None:
    _log_paths_without_query_strings()
    cli = FlaskGroup(create_app=_create_app, help="casework: case management for assisted voluntary return.")
    cli.main(prog_name="casework")


def _log_paths_without_query_strings() -> None:
    """`casework run` logs each request's method, path and status, never its query string:
    search terms (names, dates of birth) travel there."""
    from werkzeug.serving import WSGIRequestHandler

    def log_request(self, code="-", size="-"):
        method, _, rest = self.requestline.partition(" ")
        target, _, protocol = rest.partition(" ")
        self.log("info", '"%s %s %s" %s %s', method, target.split("?", 1)[0], protocol, code, size)

    WSGIRequestHandler.log_request = log_request


def _date(ctx, param, value):
    if value is None:
        return None
    from casework.dates import parse_date

    parsed = parse_date(value)
    if parsed is None:
        raise click.BadParameter(f"'{value}' is not a date like 2002-07-01")
    return parsed


class CommandError(click.ClickException):
    def show(self, file=None):
        click.echo(f"casework: {self.format_message()}", err=True)


def run_service(fn):
    """Run a service call in one transaction; a DomainError becomes one line on stderr."""
    from casework.transactions import run_in_transaction

    try:
        return run_in_transaction(fn)
    except DomainError as error:
        raise CommandError(error.message) from None


programmes_cli = click.Group("programmes", help="Programmes and their donors.")
users_cli = click.Group("users", help="User accounts.")
demo_cli = click.Group("demo", help="Demonstration data.")


@programmes_cli.command("add")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--donor", required=True)
@click.option("--currency", required=True)
@click.option("--start", "start", required=True, callback=_date, help="YYYY-MM-DD")
@click.option("--end", "end", callback=_date, help="YYYY-MM-DD")
@click.option("--decision-authority", type=click.Choice(["donor", "office"]), default="office", show_default=True)
@click.option("--budget", default=None)
@with_appcontext
def programmes_add(code, name, donor, currency, start, end, decision_authority, budget):
    """Add a programme."""
    from casework.programmes.services import create_programme

    programme = run_service(lambda: create_programme(
        code, name, donor, currency, start, end_date=end, decision_authority=decision_authority, budget=budget))
    click.echo(f"Programme {programme.code} added.")


@programmes_cli.command("set-schedule")
@click.argument("code")
@click.option("--from", "valid_from", required=True, callback=_date,
              help="For cases arriving from this date (YYYY-MM-DD).")
@click.option("--months", required=True, help="Visits at these months after arrival, e.g. 3,6,12.")
@with_appcontext
def programmes_set_schedule(code, valid_from, months):
    """Set a programme's monitoring schedule, in force for cases arriving from a date."""
    from casework.monitoring.services import set_schedule
    from casework.programmes.services import find_programme

    programme = find_programme(code)
    if programme is None:
        raise CommandError(f"No programme {code}.")
    schedule = run_service(lambda: set_schedule(programme, valid_from, months))
    click.echo(f"Monitoring schedule of {programme.code} from {schedule.valid_from.isoformat()}: "
               f"visits at {schedule.months.replace(',', ', ')} months after arrival.")


@programmes_cli.command("list")
@with_appcontext
def programmes_list():
    """List programmes."""
    from casework.extensions import db
    from casework.programmes.models import Programme

    for p in db.session.scalars(select(Programme).order_by(Programme.code)):
        budget = f"{p.currency} {p.budget:,.2f}" if p.budget is not None else "-"
        click.echo(f"{p.code:<12} {p.currency}  from {p.start_date}  decides: {p.decision_authority.value:<6}  "
                   f"budget: {budget}  {p.name} ({p.donor.name})")


@users_cli.command("create")
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(["caseworker", "supervisor", "donor", "admin"]))
@click.option("--programme", "programmes", multiple=True, help="Programme code; repeat for several.")
@click.option("--full-name", default="")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def users_create(username, role, programmes, full_name, password_stdin):
    """Create a user. Without --password-stdin, a password is generated and printed once."""
    import secrets

    from casework.auth.services import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        generated = False
    else:
        password = secrets.token_urlsafe(15)
        generated = True
    user = run_service(lambda: create_user(username, role, password, full_name=full_name,
                                           programme_codes=[c.upper() for c in programmes]))
    click.echo(f"User {user.username} ({user.role.value}) created.")
    if generated:
        click.echo(f"Password: {password}")


@users_cli.command("list")
@with_appcontext
def users_list():
    """List users."""
    from casework.auth.models import User
    from casework.extensions import db

    for u in db.session.scalars(select(User).order_by(User.username)):
        state = "active" if u.is_active else "deactivated"
        click.echo(f"{u.username:<20} {u.role.value:<11} {state:<12} {','.join(p.code for p in u.programmes)}")


def _user(username):
    from casework.auth.services import find_user

    user = find_user(username)
    if user is None:
        raise CommandError(f"no user named {username}")
    return user


@users_cli.command("deactivate")
@click.argument("username")
@with_appcontext
def users_deactivate(username):
    """Deactivate a user; their sessions end at once."""
    from casework.auth.services import deactivate_user

    user = _user(username)
    run_service(lambda: deactivate_user(user))
    click.echo(f"User {user.username} deactivated.")


@users_cli.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def users_set_password(username, password_stdin):
    """Set a user's password (read from stdin, or prompted for)."""
    from casework.auth.services import set_password

    user = _user(username)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    run_service(lambda: set_password(user, password))
    click.echo(f"Password of {user.username} changed.")


@demo_cli.command("load")
@with_appcontext
def demo_load():
    """Load the demonstration programmes, users and caseload (idempotent)."""
    from flask import current_app

    from casework.demo.data import load_demo

    summary = run_service(lambda: load_demo(current_app.instance_path))
    click.echo(summary)


def register(app: Flask) -> None:
    for group in (programmes_cli, users_cli, demo_cli):
        app.cli.add_command(group)
    for extra in app.extensions.get("cli_groups", []):
        app.cli.add_command(extra)


@demo_cli.command("synth")
@click.option("--cases", type=click.IntRange(min=1), required=True, help="How many cases to generate.")
@click.option("--seed", type=int, default=1, show_default=True)
@with_appcontext
def demo_synth(cases, seed):
    """Generate a large synthetic caseload (families, grants, plans, monitoring visits, surveys) in bulk."""
    import time

    from casework.demo.synth import synthesize
    from casework.extensions import db
    from casework.progress import Progress

    started = time.monotonic()
    progress = Progress("Synthetic cases", total=cases)
    try:
        totals = synthesize(cases, seed=seed, progress=progress)
    except DomainError as error:
        db.session.rollback()
        raise CommandError(error.message) from None
    progress.finish()
    click.echo(", ".join(f"{n:,} {name}" for name, n in totals.items())
               + f" created in {time.monotonic() - started:.0f} s.")
