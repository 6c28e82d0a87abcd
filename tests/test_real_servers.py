"""The application under gunicorn, as deployed: several worker processes on one database.

- Races: 50 supervisors' sessions approve one grant at the same instant, 20 trials: exactly one
  decision and one audit row each time; 50 payments at once never pay more than was approved.
- Crashes: the server is killed (SIGKILL, the whole process group) while clients register
  cases; every registration it acknowledged is there, whole, after a restart.

On SQLite (a file) always, and on PostgreSQL when the suite runs there.
"""
from __future__ import annotations

import signal
import threading
import time
import urllib.error
from contextlib import contextmanager
from datetime import date

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from casework.extensions import db
from tests.cases.test_views import member, register_form
from tests.conftest import OWN_DATABASE_KINDS, PASSWORD, make_app, own_database
from tools.http_client import Server, Visitor

pytestmark = pytest.mark.long_running

RACERS = 50
TRIALS = 20
PAYMENT_TRIALS = 5  # each trial is 50 payments, up to six accepted; the approvals carry the 20 trials


def _all_at_once(jobs) -> list:
    """Run the callables at the same instant, one thread each; their results in order."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(i, job):
        barrier.wait(timeout=60)
        results[i] = job()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@contextmanager
def office_served(kind, tmp_path, supervisors=10):
    """The office (programmes A and B, a user per role, more supervisors) on a database of its
    own, migrated as in production, served by gunicorn; yields (app, office, server)."""
    from tests import factories

    with own_database(kind, tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            upgrade()
            office = factories.office()
            office.reviewers = [factories.user(f"reviewer{i}", "supervisor", [office.ch, office.uk])
                                for i in range(supervisors)]
            db.session.commit()
            server = Server(url, tmp_path)
            server.start()
            try:
                yield app, office, server
            finally:
                server.stop()
                db.session.remove()
                db.engine.dispose()


@pytest.mark.parametrize("kind", OWN_DATABASE_KINDS)
def test_fifty_simultaneous_approvals_make_one_decision_in_every_trial(kind, tmp_path):
    from casework.audit.models import AuditEvent
    from casework.grants.models import GrantDecision
    from tests.grants.helpers import submitted

    with office_served(kind, tmp_path) as (app, office, server):
        visitors = [Visitor(server.base).login(f"reviewer{i % 10}", PASSWORD) for i in range(RACERS)]
        outcomes = []
        for _trial in range(TRIALS):
            grant = submitted(office, case=office.uk_case, amount="500", actor=office.caseworker_uk)
            form = {"outcome": "approved", "version": str(grant.version), "reason": ""}
            statuses = _all_at_once([lambda v=v, g=grant.id: v.request(f"/grants/{g}/decide", form)[0]
                                     for v in visitors])
            db.session.expire_all()
            decisions = db.session.scalar(select(func.count()).select_from(GrantDecision)
                                          .where(GrantDecision.grant_id == grant.id))
            audited = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.action == "grant_decided", AuditEvent.entity_id == grant.id))
            outcomes.append((decisions, audited, sorted(set(statuses))))
        assert all(o[0] == 1 and o[1] == 1 for o in outcomes), outcomes
        # The others are refused: changed meanwhile (409), or sent back to the grant page, no longer
        # awaiting a decision (302, with the message on that page).
        assert all(set(o[2]) <= {302, 409} for o in outcomes), outcomes
        assert server.server_errors() == []


@pytest.mark.parametrize("kind", OWN_DATABASE_KINDS)
def test_fifty_simultaneous_payments_never_pay_more_than_was_approved(kind, tmp_path):
    from casework.audit.models import AuditEvent
    from casework.grants.models import Disbursement
    from tests.grants.helpers import approved

    with office_served(kind, tmp_path, supervisors=0) as (app, office, server):
        names = ("caseworker.uk", "supervisor") * (RACERS // 2)
        visitors = [Visitor(server.base).login(name, PASSWORD) for name in names]
        for _trial in range(PAYMENT_TRIALS):
            grant = approved(office, case=office.uk_case, amount="1000", actor=office.caseworker_uk)
            form = {"paid_on": date.today().isoformat(), "amount": "150.00", "mode": "cash", "receipt_reference": ""}
            statuses = _all_at_once([lambda v=v, g=grant.id: v.request(f"/grants/{g}/disburse", form)[0]
                                     for v in visitors])
            db.session.expire_all()
            paid = db.session.scalars(select(Disbursement.amount).where(Disbursement.grant_id == grant.id)).all()
            audited = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.action == "disbursement_recorded", AuditEvent.entity_id == grant.id))
            assert 1 <= len(paid) <= 6 and sum(paid) <= 1000, paid  # six payments of 150 fit in 1000
            assert audited == len(paid) and statuses.count(302) == len(paid), statuses
            # Every other payment is refused as changed meanwhile (409) or as more than is left (422).
            assert set(statuses) <= {302, 409, 422}, statuses
        assert server.server_errors() == []


@pytest.mark.parametrize("kind", OWN_DATABASE_KINDS)
def test_killing_the_server_loses_no_acknowledged_registration(kind, tmp_path):
    from casework.audit.models import AuditEvent
    from casework.cases.models import Case, Person

    with office_served(kind, tmp_path, supervisors=0) as (app, office, server):
        acknowledged: list[int] = []
        programme_id = office.ch.id
        for round_ in range(3):
            writers = [Visitor(server.base).login("caseworker", PASSWORD) for _ in range(6)]
            stop = threading.Event()

            def write(visitor, w):
                n = 0
                while not stop.is_set():
                    n += 1
                    data = register_form(programme_id, member(0, f"Round{round_}", f"Writer{w}x{n}",
                                                              relationship="principal"),
                                         member(1, f"Round{round_}", f"Child{w}x{n}", birth="2010"))
                    try:
                        status, location, _ = visitor.request("/cases/new", data)
                    except (urllib.error.URLError, ConnectionError, OSError):
                        return  # the server is gone
                    if status == 302 and location.rstrip("/").split("/")[-1].isdigit():
                        acknowledged.append(int(location.rstrip("/").split("/")[-1]))

            threads = [threading.Thread(target=write, args=(v, w)) for w, v in enumerate(writers)]
            before = len(acknowledged)
            for t in threads:
                t.start()
            # Kill once a few registrations of this round are acknowledged (however busy the
            # machine), while the six writers keep requests in flight.
            deadline = time.monotonic() + 90
            while len(acknowledged) < before + 5 and time.monotonic() < deadline:
                time.sleep(0.05)
            server.stop(signal.SIGKILL)
            stop.set()
            for t in threads:
                t.join(timeout=60)
            server.start()

        assert len(acknowledged) >= 15
        db.session.expire_all()
        found = set(db.session.scalars(select(Case.id).where(Case.id.in_(acknowledged))))
        assert found == set(acknowledged)
        # Nothing half-written: every case has its two members and its audit row.
        members = dict(db.session.execute(select(Person.case_id, func.count()).group_by(Person.case_id)).all())
        cases = db.session.scalars(select(Case.id)).all()
        assert all(members.get(case_id) in (1, 2) for case_id in cases)  # the office's own cases have one
        assert all(members[case_id] == 2 for case_id in acknowledged)
        created = set(db.session.scalars(select(AuditEvent.entity_id).where(AuditEvent.action == "case_created")))
        assert set(cases) <= created
        if kind == "sqlite":
            assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert server.server_errors() == []
