"""Parallel decisions: one decision per step, and no overspent budget (separate sessions in threads)."""
from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from casework.auth.models import User
from casework.errors import DomainError
from casework.extensions import db
from casework.grants import services
from casework.grants.models import Grant, GrantDecision, GrantStatus
from casework.programmes.models import Programme
from tests import factories
from tests.grants.helpers import submitted


def _race(app, jobs):
    """Run jobs [(grant_id, user_id, kwargs)] at the same moment, each in its own session."""
    barrier = threading.Barrier(len(jobs))
    results = []

    def run(grant_id, user_id, kwargs):
        with app.app_context():
            try:
                grant = db.session.get(Grant, grant_id)
                user = db.session.get(User, user_id)
                grant.decisions, grant.case.programme.caps  # noqa: B018  (loaded before the race)
                barrier.wait(timeout=30)
                services.decide(grant, user, "approved", **kwargs)
                db.session.commit()
                results.append("ok")
            except DomainError as error:
                db.session.rollback()
                results.append(type(error).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def wide_app(_schema, tmp_path):
    """The same database, with a connection for every racer."""
    from tests.conftest import make_app

    app = make_app(_schema, tmp_path / "wide", SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 25, "max_overflow": 5})
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def supervisors(office):
    users = [factories.user(f"reviewer{i}", "supervisor", [office.ch, office.uk]) for i in range(20)]
    db.session.commit()
    return [u.id for u in users]


@pytest.mark.parametrize("trial", range(3))
def test_twenty_parallel_approvals_of_one_grant_make_one_decision(wide_app, office, supervisors, trial):
    grant = submitted(office, case=office.uk_case, amount="800", actor=office.caseworker_uk)
    grant_id = grant.id
    db.session.remove()
    results = _race(wide_app, [(grant_id, uid, {}) for uid in supervisors])
    assert len(results) == 20
    assert results.count("ok") == 1, results
    assert set(results) <= {"ok", "Conflict", "TransitionRefused"}
    assert db.session.scalar(select(func.count()).select_from(GrantDecision)
                             .where(GrantDecision.grant_id == grant_id)) == 1
    grant = db.session.get(Grant, grant_id)
    assert grant.status == GrantStatus.APPROVED and grant.version == 3


@pytest.mark.parametrize("trial", range(3))
def test_parallel_approvals_cannot_together_exceed_the_budget(wide_app, office, supervisors, trial):
    office.uk.budget = Decimal("1000.00")
    db.session.commit()
    cases = [factories.case(office.uk, members=[factories.person("Krasniqi", f"Ardit{i}")]) for i in range(6)]
    db.session.commit()
    grant_ids = [submitted(office, case=c, amount="400", actor=office.caseworker_uk).id for c in cases]
    programme_id = office.uk.id
    db.session.remove()
    results = _race(wide_app, list(zip(grant_ids, supervisors[:6], [{}] * 6)))
    assert results.count("ok") == 2, results  # 2 x 400 fit in 1000, a third does not
    used = services.budget_used(db.session.get(Programme, programme_id))
    assert used == Decimal("800.00")


def test_twenty_parallel_decision_requests_make_one_decision(wide_app, office, supervisors):
    """The same race through the web: twenty supervisors post their approval at once."""
    grant = submitted(office, case=office.uk_case, amount="800", actor=office.caseworker_uk)
    grant_id, version = grant.id, grant.version
    usernames = [f"reviewer{i}" for i in range(20)]
    db.session.remove()
    clients = []
    for name in usernames:
        client = wide_app.test_client()
        assert client.post("/login", data={"username": name, "password": factories.PASSWORD}).status_code == 302
        clients.append(client)
    barrier = threading.Barrier(len(clients))
    codes = []

    def post(client):
        barrier.wait(timeout=30)
        response = client.post(f"/grants/{grant_id}/decide", data={"outcome": "approved", "version": version})
        codes.append(response.status_code)

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(codes) == 20 and set(codes) <= {302, 409}, codes
    assert db.session.scalar(select(func.count()).select_from(GrantDecision)
                             .where(GrantDecision.grant_id == grant_id)) == 1
    assert db.session.get(Grant, grant_id).status == GrantStatus.APPROVED


def test_parallel_tranches_cannot_together_exceed_the_approved_amount(wide_app, office):
    from datetime import date

    from tests.grants.helpers import approved

    grant_id = approved(office, case=office.uk_case, amount="1000", actor=office.caseworker_uk).id
    user_id = office.caseworker_uk.id
    db.session.remove()
    barrier = threading.Barrier(4)
    results = []

    def pay():
        with wide_app.app_context():
            try:
                grant, user = db.session.get(Grant, grant_id), db.session.get(User, user_id)
                grant.case.programme  # noqa: B018
                barrier.wait(timeout=30)
                services.record_disbursement(grant, user, paid_on=date.today(), amount="600", mode="cash")
                db.session.commit()
                results.append("ok")
            except DomainError as error:
                db.session.rollback()
                results.append(type(error).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=pay) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results.count("ok") == 1, results
    assert services.paid_total(db.session.get(Grant, grant_id)) == Decimal("600.00")
