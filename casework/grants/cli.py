"""`casework grants ...`: the decision queue and decisions from the command line, same rules as the web."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from casework.cli import CommandError, _date, _user, run_service

grants_cli = click.Group("grants", help="Reintegration grants.")


@grants_cli.command("queue")
@click.option("--user", "username", required=True, help="The supervisor whose queue to show.")
@with_appcontext
def grants_queue(username):
    """List the grants awaiting this supervisor's decision, oldest first."""
    from casework.grants.services import decision_queue, money

    user = _user(username)
    grants = decision_queue(user)
    for g in grants:
        submitted = f"{g.submitted_at:%Y-%m-%d %H:%M}" if g.submitted_at else "(legacy)"
        click.echo(f"{g.id:>6}  {submitted:<16}  {g.case.reference:<18} {g.status.value:<15} "
                   f"{g.category.value:<16} {money(g.requested_amount, g.case.programme.currency)}")
    click.echo(f"{len(grants)} grant(s) awaiting {user.username}.")


@grants_cli.command("decide")
@click.argument("grant_id", type=int)
@click.option("--user", "username", required=True, help="The supervisor taking (or entering) the decision.")
@click.option("--outcome", required=True, type=click.Choice(["approved", "reduced", "rejected", "sent_back"]))
@click.option("--amount", default=None, help="The lower amount, for --outcome reduced.")
@click.option("--reason", default="")
@click.option("--letter-number", default=None, help="Donor decisions: the donor's letter number.")
@click.option("--letter-date", default=None, callback=_date, help="Donor decisions: the letter's date.")
@click.option("--letter-file", type=click.File("rb"), default=None,
              help="Donor decisions: the letter itself (PDF, JPEG or PNG), attached to the decision.")
@with_appcontext
def grants_decide(grant_id, username, outcome, amount, reason, letter_number, letter_date, letter_file):
    """Take the decision of a grant's current step."""
    from casework.extensions import db
    from casework.grants.models import Grant
    from casework.grants.services import decide
    from casework.grants.workflow import STATUS_LABELS

    user = _user(username)
    grant = db.session.get(Grant, grant_id)
    if grant is None:
        raise CommandError(f"no grant {grant_id}")
    from casework.documents.services import Upload

    letter = Upload(letter_file, letter_file.name) if letter_file is not None else None
    run_service(lambda: decide(grant, user, outcome, amount=amount, reason=reason,
                               authority_reference=letter_number, authority_letter_date=letter_date,
                               letter=letter))
    grant = db.session.get(Grant, grant_id)
    click.echo(f"Grant {grant.id}: {outcome}; now {str(STATUS_LABELS[grant.status]).lower()}.")
