"""The casework command line."""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, select

from casework.cases.models import Case, Person
from casework.extensions import db
from casework.programmes.models import Programme


def test_programmes_add_and_list(runner, app):
    result = runner.invoke(args=["programmes", "add", "AVR-CH", "--name", "AVR from Switzerland",
                                 "--donor", "Swiss FOM", "--currency", "CHF", "--start", "2002-07-01",
                                 "--decision-authority", "donor", "--budget", "1000000"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["programmes", "list"])
    assert "AVR-CH" in result.output and "CHF 1,000,000.00" in result.output and "donor" in result.output


def test_programmes_add_errors_are_one_line(runner, app):
    runner.invoke(args=["programmes", "add", "AVR-CH", "--name", "x", "--donor", "y", "--currency", "CHF",
                        "--start", "2002-07-01"])
    result = runner.invoke(args=["programmes", "add", "AVR-CH", "--name", "x", "--donor", "y",
                                 "--currency", "CHF", "--start", "2002-07-01"])
    assert result.exit_code != 0
    assert result.output.strip() == "casework: A programme with code AVR-CH exists already."
    result = runner.invoke(args=["programmes", "add", "X1", "--name", "x", "--donor", "y",
                                 "--currency", "CHF", "--start", "1.1.2002x"])
    assert result.exit_code != 0 and "not a date" in result.output


def test_users_create_list_deactivate_set_password(runner, office):
    result = runner.invoke(args=["users", "create", "--username", "mira", "--role", "caseworker",
                                 "--programme", "avr-ch", "--password-stdin"], input="a very long password\n")
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create", "--username", "mira2", "--role", "caseworker",
                                 "--programme", "NOPE", "--password-stdin"], input="a very long password\n")
    assert result.exit_code != 0 and "No programme with code NOPE" in result.output
    result = runner.invoke(args=["users", "create", "--username", "mira3", "--role", "supervisor",
                                 "--programme", "AVR-CH"])
    assert "Password: " in result.output
    assert "mira" in runner.invoke(args=["users", "list"]).output
    result = runner.invoke(args=["users", "set-password", "mira", "--password-stdin"], input="short\n")
    assert result.exit_code != 0 and "at least 12" in result.output
    assert runner.invoke(args=["users", "deactivate", "mira"]).exit_code == 0
    assert "deactivated" in runner.invoke(args=["users", "list"]).output
    assert runner.invoke(args=["users", "deactivate", "ghost"]).exit_code != 0


def _assisted(code, start, end):
    programme = db.session.scalar(select(Programme).where(Programme.code == code))
    in_period = and_(Case.programme_id == programme.id, Case.arrival_date >= start, Case.arrival_date <= end)
    cases = db.session.scalar(select(func.count()).select_from(Case).where(in_period))
    persons = db.session.scalar(select(func.count()).select_from(Person).join(Case)
                                .where(in_period, Person.travelled.is_(True)))
    return cases, persons


def test_demo_load_reproduces_the_published_figures_and_is_idempotent(runner, app, demo_office):
    """demo_office is what `casework demo load` built (once per test run); loading again changes nothing."""
    figures = (_assisted("AVR-CH", date(2002, 7, 1), date(2011, 12, 31)),
               _assisted("VARRP-UK", date(2002, 1, 1), date.today()))
    assert figures[0] == (221, 530)
    assert figures[1][0] == 30
    # What careless counting would include is there too.
    all_ch = db.session.scalar(select(func.count()).select_from(Case).join(Programme).where(Programme.code == "AVR-CH"))
    assert all_ch > 221
    not_travelled = db.session.scalar(select(func.count()).select_from(Person).where(Person.travelled.is_(False)))
    assert not_travelled > 0
    total_before = db.session.scalar(select(func.count()).select_from(Person))

    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0 and "nothing changed" in result.output
    assert "demo-passwords.txt" in result.output
    assert db.session.scalar(select(func.count()).select_from(Person)) == total_before
    assert (_assisted("AVR-CH", date(2002, 7, 1), date(2011, 12, 31)),
            _assisted("VARRP-UK", date(2002, 1, 1), date.today())) == figures


def test_demo_passwords_are_private_and_work(runner, app, client):
    import os
    import stat

    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0 and "AVR-CH: " in result.output, result.output
    path = os.path.join(app.instance_path, "demo-passwords.txt")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    passwords = dict(line.split(": ", 1) for line in open(path).read().splitlines() if not line.startswith("#"))
    response = client.post("/login", data={"username": "supervisor", "password": passwords["supervisor"]})
    assert response.status_code == 302
