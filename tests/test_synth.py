"""Synthetic caseload: realistic shape, usable by the app, written in bulk."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from casework.cases.models import Case, Person, Relationship
from casework.extensions import db
from casework.grants.models import Disbursement, Grant, GrantDecision
from casework.programmes.models import Programme
from casework.progress import Progress


def test_synth_creates_families_grants_and_a_usable_caseload(runner, office, client, auth, factory):
    result = runner.invoke(args=["demo", "synth", "--cases", "300", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "300 cases" in result.output and "\r" not in result.output  # quiet off a terminal
    synthetic = select(Case.id).join(Programme).where(Programme.code.like("SYN-%"))
    assert db.session.scalar(select(func.count()).select_from(synthetic.subquery())) == 300
    sizes = db.session.execute(select(Person.case_id, func.count()).where(Person.case_id.in_(synthetic))
                               .group_by(Person.case_id)).all()
    assert len(sizes) == 300 and {n for _c, n in sizes} <= set(range(1, 9)) and max(n for _c, n in sizes) >= 4
    principals = db.session.scalar(select(func.count()).select_from(Person).where(
        Person.case_id.in_(synthetic), Person.relationship == Relationship.PRINCIPAL))
    assert principals == 300
    assert db.session.scalar(select(func.count()).select_from(Grant)) > 50
    assert db.session.scalar(select(func.count()).select_from(GrantDecision)) > 30
    assert db.session.scalar(select(func.count()).select_from(Disbursement)) > 20
    approved = db.session.scalars(select(Grant).where(Grant.approved_amount.is_not(None)).limit(20)).all()
    assert all(g.approved_amount <= g.requested_amount for g in approved)
    assert all(sum((d.amount for d in g.disbursements), start=0) <= g.approved_amount for g in approved)

    # The app reads what was written in bulk, and goes on numbering after it.
    auth.login("admin")
    case_id = db.session.scalar(synthetic.limit(1))
    assert client.get(f"/cases/{case_id}").status_code == 200
    assert client.get("/cases/?programme=SYN-DE").status_code == 200
    programme = db.session.scalar(select(Case).where(Case.id == case_id)).programme
    new = factory.case(programme)
    db.session.commit()
    assert new.id > case_id

    again = runner.invoke(args=["demo", "synth", "--cases", "10"])
    assert again.exit_code != 0 and "present already" in again.output


def test_progress_shows_rate_and_time_left_only_on_a_terminal():
    stream = io.StringIO()
    progress = Progress("Importing", total=1000, stream=stream, enabled=True)
    progress.advance(1000)
    progress.finish()
    assert "Importing: 1,000/1,000 (100%)" in stream.getvalue() and "/s" in stream.getvalue()
    assert "s left" in stream.getvalue()
    quiet = io.StringIO()
    silent = Progress("Importing", total=10, stream=quiet)  # StringIO is not a terminal
    silent.advance(10)
    silent.finish()
    assert quiet.getvalue() == ""
