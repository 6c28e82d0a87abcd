"""The application under gunicorn, as deployed: several worker processes on one database.

- Races: 50 supervisors' sessions approve one grant at the same instant, 20 trials: exactly one
  decision and one audit row each time; 50 payments at once never pay more than was approved.
- Crashes: the server is killed (SIGKILL, the whole process group) while clients register
  cases; every registration it acknowledged is there, whole, after a restart.

On SQLite (a file) always, and on PostgreSQL when the suite runs there.
"""
from __future__ import annotations

import http.cookiejar
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from casework.extensions import db
from tests.cases.test_views import member, register_form
from tests.conftest import OWN_DATABASE_KINDS, PASSWORD, csrf_token_from, make_app, own_database

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
WORKERS = 4
RACERS = 50
TRIALS = 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving wsgi:app on 127.0.0.1, in a process group of its own."""

    def __init__(self, url: str, tmp_path: Path):
        self.url, self.tmp_path = url, tmp_path
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self) -> None:
        env = {**os.environ, "CASEWORK_DATABASE_URL": self.url,
               "CASEWORK_INSTANCE_PATH": str(self.tmp_path / "instance"), "CASEWORK_SECRET_KEY": "real-servers"}
        log = open(self.tmp_path / "gunicorn.log", "ab")
        # Its own pid file and no control socket: several instances may run as one user.
        self.process = subprocess.Popen(
            [str(GUNICORN), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{self.port}",
             "--pid", str(self.tmp_path / "gunicorn.pid"), "--no-control-socket", "--timeout", "60", "wsgi:app"],
            cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/login", timeout=2).read()
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert self.process.poll() is None, (self.tmp_path / "gunicorn.log").read_text()[-2000:]
                time.sleep(0.1)
        raise AssertionError("gunicorn did not answer in 30 s")

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)
        self.process = None

    def server_errors(self) -> str:
        log = (self.tmp_path / "gunicorn.log").read_text(errors="replace")
        return "\n".join(line for line in log.splitlines() if "Traceback" in line or "Exception" in line)


class Visitor:
    """One browser: its own cookies, redirects not followed, the session's CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())
        self.token = None

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode({**data, "csrf_token": self.token}).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode(errors="replace")

    def login(self, username: str) -> "Visitor":
        self.token = csrf_token_from(self.request("/login")[2])
        status, location, _ = self.request("/login", {"username": username, "password": PASSWORD})
        assert status == 302 and "login" not in location, (username, status)
        self.token = csrf_token_from(self.request("/dashboard")[2])  # a new session, a new token
        return self


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


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
        visitors = [Visitor(server.base).login(f"reviewer{i % 10}") for i in range(RACERS)]
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
        assert all(s < 500 for o in outcomes for s in o[2]), outcomes
        assert not server.server_errors()


@pytest.mark.parametrize("kind", OWN_DATABASE_KINDS)
def test_fifty_simultaneous_payments_never_pay_more_than_was_approved(kind, tmp_path):
    from casework.audit.models import AuditEvent
    from casework.grants.models import Disbursement
    from tests.grants.helpers import approved

    with office_served(kind, tmp_path, supervisors=0) as (app, office, server):
        visitors = [Visitor(server.base).login(name) for name in ("caseworker.uk", "supervisor") * (RACERS // 2)]
        for _trial in range(5):
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
            assert all(s < 500 for s in statuses), statuses
        assert not server.server_errors()


@pytest.mark.parametrize("kind", OWN_DATABASE_KINDS)
def test_killing_the_server_loses_no_acknowledged_registration(kind, tmp_path):
    from casework.audit.models import AuditEvent
    from casework.cases.models import Case, Person

    with office_served(kind, tmp_path, supervisors=0) as (app, office, server):
        acknowledged: list[int] = []
        programme_id = office.ch.id
        for round_ in range(3):
            writers = [Visitor(server.base).login("caseworker") for _ in range(6)]
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
            for t in threads:
                t.start()
            time.sleep(1.5)
            server.stop(signal.SIGKILL)  # mid-stream: requests are in flight
            stop.set()
            for t in threads:
                t.join(timeout=60)
            server.start()

        assert len(acknowledged) > 10
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
        assert not server.server_errors()
