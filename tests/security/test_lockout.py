"""Login throttling stored in the database: per account (known or not) and per address."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from casework.auth import lockout
from casework.db import utcnow
from casework.extensions import db
from tests.conftest import PASSWORD, make_app

LOCKED = "Too many failed logins for this account"


def _try(client, username, password, addr="10.0.0.1"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": addr})


def test_five_failures_lock_the_account_for_fifteen_minutes(app, client, office, monkeypatch):
    for _ in range(5):
        assert "Wrong username or password" in _try(client, "caseworker", "wrong password!!").get_data(as_text=True)
    response = _try(client, "caseworker", PASSWORD)
    assert response.status_code == 200 and LOCKED in response.get_data(as_text=True)
    assert client.get("/cases/").status_code == 302  # not logged in
    later = utcnow() + timedelta(minutes=15, seconds=5)
    monkeypatch.setattr(lockout, "utcnow", lambda: later)
    assert _try(client, "caseworker", PASSWORD).status_code == 302  # unlocked


def test_unknown_account_gets_the_same_lock_and_message(app, client, office):
    for _ in range(5):
        _try(client, "nobody.here", "wrong password!!")
    known = app.test_client()
    for _ in range(5):
        _try(known, "caseworker", "wrong password!!")
    unknown_page = _try(client, "nobody.here", "whatever password").get_data(as_text=True)
    known_page = _try(known, "caseworker", "whatever password").get_data(as_text=True)
    assert LOCKED in unknown_page and LOCKED in known_page


def test_failures_spread_over_workers_still_lock(_schema, tmp_path, office):
    """Two application processes share only the database; the lock holds across them."""
    workers = [make_app(_schema, tmp_path / f"w{i}") for i in range(2)]
    for attempt in range(5):
        worker = workers[attempt % 2]
        with worker.app_context():
            _try(worker.test_client(), "caseworker", "wrong password!!")
    for worker in workers:
        with worker.app_context():
            assert LOCKED in _try(worker.test_client(), "caseworker", PASSWORD).get_data(as_text=True)


def test_address_limit(_schema, tmp_path, office):
    app = make_app(_schema, tmp_path / "limited", CASEWORK_LOGIN_ADDRESS_LIMIT=3)
    with app.app_context():
        client = app.test_client()
        for name in ("a.one", "b.two", "c.three"):
            _try(client, name, "wrong password!!", addr="10.9.9.9")
        assert _try(client, "caseworker", PASSWORD, addr="10.9.9.9").status_code == 429
        assert _try(client, "caseworker", PASSWORD, addr="10.9.9.10").status_code == 302


def test_success_clears_earlier_failures(app, client, office):
    for _ in range(4):
        _try(client, "caseworker", "wrong password!!")
    assert _try(client, "caseworker", PASSWORD).status_code == 302
    client.post("/logout")
    _try(client, "caseworker", "wrong password!!")
    assert _try(client, "caseworker", PASSWORD).status_code == 302


def test_known_and_unknown_usernames_do_the_same_work(app, office, monkeypatch):
    """A wrong password for an existing account and any password for an unknown one each run
    one full argon2id verification with the same parameters, so the answer's time tells nothing."""
    from argon2 import extract_parameters

    from casework.auth import passwords
    from casework.auth.services import authenticate

    verified = []
    real = passwords._hasher

    class Spy:
        def verify(self, password_hash, password):
            verified.append(extract_parameters(password_hash))
            return real.verify(password_hash, password)

    monkeypatch.setattr(passwords, "_hasher", Spy())
    for name in ("caseworker", "nobody.at.all", "CASEWORKER", "caseworker\x00"):
        db.session.execute(delete(lockout.LoginFailure))
        before = len(verified)
        assert authenticate(name, "wrong password!!") is None
        assert len(verified) == before + 1, name
    db.session.rollback()
    assert all(parameters == extract_parameters(office.caseworker.password_hash) for parameters in verified)


def test_common_and_trivial_passwords_are_refused(app, office):
    import pytest

    from casework.auth.services import set_password
    from casework.errors import DomainError

    for weak in ("password1234", "Qwerty123456", "aaaaaaaaaaaaaaa", "abababababab", "short"):
        with pytest.raises(DomainError):
            set_password(office.caseworker, weak)
    set_password(office.caseworker, "x" * 30 + "a long and fine passphrase " + "y" * 7)  # 64 characters are fine
