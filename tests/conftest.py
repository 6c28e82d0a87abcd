"""Fixtures: an app on a fresh database per test, clients logged in by role, a live server.

The suite runs on SQLite by default and on PostgreSQL when CASEWORK_TEST_DATABASE_URL is
set. Tables are created once per session and emptied after every test.
"""
from __future__ import annotations

import os
import threading
import uuid
from contextlib import contextmanager

import pytest
from flask import g
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from sqlalchemy import text
from werkzeug.serving import make_server

from casework import create_app
from casework.extensions import db

TEST_DB_URL = os.environ.get("CASEWORK_TEST_DATABASE_URL")
REQUIRE_BROWSER = os.environ.get("CASEWORK_REQUIRE_BROWSER") == "1" or bool(TEST_DB_URL)
CHROMIUM = os.environ.get("CASEWORK_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "correct horse battery staple"


# The hasher of production, kept for the test that checks its parameters (tests/auth/test_login.py).
PRODUCTION_HASHER = None


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing():
    """argon2id with its smallest parameters for the whole suite, in this process and in the servers
    it starts (their users' hashes are written here): each full verification costs 0.15-0.5 s of
    both cores, and the suite logs in thousands of times. The suite tests what is done with hashes,
    the parameters production uses are checked on their own."""
    from argon2 import PasswordHasher

    from casework.auth import passwords

    global PRODUCTION_HASHER
    PRODUCTION_HASHER, real_dummy = passwords._hasher, passwords._DUMMY_HASH
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    passwords._DUMMY_HASH = passwords._hasher.hash("not a real password, only here for timing")
    yield
    passwords._hasher, passwords._DUMMY_HASH = PRODUCTION_HASHER, real_dummy


@pytest.fixture(scope="session", autouse=True)
def _one_engine_per_database():
    """Apps on the same database share one engine. SQLAlchemy keeps its compiled statements per
    engine, and each test makes an app of its own: without this, every test compiles every statement
    it runs again, about a fifth of the suite's time."""
    real = db._make_engine
    engines = {}

    def shared(bind_key, options, app):
        key = repr(sorted((name, str(value)) for name, value in options.items()))
        if key not in engines:
            engines[key] = real(bind_key, options, app)
        return engines[key]

    db._make_engine = shared
    yield
    db._make_engine = real
    for engine in engines.values():
        engine.dispose()


class _TemplatesCompiledOnce(BytecodeCache):
    """Jinja's compiled templates kept for the whole run (each test's app has an environment of its
    own, which would compile each template again); keyed by name and source checksum."""

    def __init__(self):
        self.codes = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.codes:
            bucket.bytecode_from_string(self.codes[bucket.key])

    def dump_bytecode(self, bucket):
        self.codes[bucket.key] = bucket.bytecode_to_string()


TEMPLATES_COMPILED_ONCE = _TemplatesCompiledOnce()


# The name pytest-xdist gives this process ("gw0", "gw1"...), or None when the suite runs in one.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The pass's database: a SQLite file in the session's own temporary folder, or the PostgreSQL
    database of CASEWORK_TEST_DATABASE_URL; with parallel workers, each has a database of its own
    beside it ("casework_test_gw0"...), made afresh and dropped at the end."""
    if not TEST_DB_URL:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    elif not XDIST_WORKER:
        yield TEST_DB_URL
    else:
        from sqlalchemy import make_url

        with _postgresql_database(name=f"{make_url(TEST_DB_URL).database}_{XDIST_WORKER}") as url:
            yield url


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "schema",
                      "TESTING": True})
    with app.app_context():
        import casework.models  # noqa: F401

        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        db.engine.dispose()
    return database_url


def _empty_tables():
    """Empty every table the test wrote to and restart the identities. On PostgreSQL one statement
    finds the tables holding rows and only those are emptied: a TRUNCATE of every table costs a
    second or more per test, deleting the few rows a test wrote a few milliseconds."""
    db.session.remove()
    tables = db.metadata.sorted_tables
    with db.engine.begin() as conn:
        if conn.dialect.name != "postgresql":
            for table in reversed(tables):
                conn.execute(table.delete())
            return
        holding = {name for (name,) in conn.execute(text(" UNION ALL ".join(
            f"SELECT '{table.name}' WHERE EXISTS (SELECT 1 FROM {table.name})" for table in tables)))}
        for table in reversed(tables):
            if table.name in holding:
                # audit_events refuses DELETE (its append-only trigger); TRUNCATE is no row change
                conn.execute(text(f"TRUNCATE {table.name}") if table.name == "audit_events" else table.delete())
        conn.execute(text("SELECT " + ", ".join(
            f"setval(pg_get_serial_sequence('{table.name}', 'id'), 1, false)" for table in tables
            if "id" in table.c and table.c.id.autoincrement is not False)))


@contextmanager
def own_database(kind: str, tmp_path):
    """The URL of an empty database of the test's own: a SQLite file, or a new PostgreSQL
    database on the test server (dropped afterwards) — for tests that replace or kill what
    holds it."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'own.sqlite3'}"
        return
    with _postgresql_database() as url:
        yield url


@contextmanager
def _postgresql_database(template: str | None = None, name: str | None = None):
    """A new database on the test server (a copy of `template` when given), dropped afterwards; a
    generated name unless one is given (a database left under that name is replaced)."""
    from sqlalchemy import create_engine, make_url

    name = name or f"casework_own_{uuid.uuid4().hex[:10]}"
    server = create_engine(make_url(TEST_DB_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    try:
        yield make_url(TEST_DB_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


# The database of this pass: each pass (SQLite, then PostgreSQL in CI) runs its own variants once.
OWN_DATABASE_KINDS = ["postgresql"] if TEST_DB_URL else ["sqlite"]


def pytest_collection_modifyitems(config, items):
    """Tests marked long_running go first, so that parallel workers are not left waiting for one of
    them at the end. Tests marked database_independent run once per CI run, in the SQLite pass: on
    PostgreSQL they are deselected (and counted as such in pytest's closing line), never skipped."""
    items.sort(key=lambda item: item.get_closest_marker("long_running") is None)  # stable: order kept
    if not TEST_DB_URL:
        return
    once = [item for item in items if item.get_closest_marker("database_independent")]
    if once:
        config.hook.pytest_deselected(items=once)
        items[:] = [item for item in items if not item.get_closest_marker("database_independent")]


@pytest.fixture(scope="session")
def _migrated_demo_template(tmp_path_factory):
    """A database of this pass's kind, migrated as in production with the demo office loaded, built
    once per test run: `migrated_demo_database` gives a test a copy of it, `demo_office` its rows.
    On SQLite, parallel workers share one: the first builds it in their common temporary folder
    while the others wait (PostgreSQL copies a template only while nobody else uses it)."""
    kind = OWN_DATABASE_KINDS[0]
    if kind == "sqlite" and XDIST_WORKER:
        import fcntl

        shared = tmp_path_factory.getbasetemp().parent / "demo-template"
        shared.mkdir(exist_ok=True)
        url = f"sqlite:///{shared / 'demo.sqlite3'}"
        with open(shared / "lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (shared / "built").exists():
                _load_demo_into(url, shared / "instance")
                (shared / "built").touch()
        yield kind, url, str(shared / "instance")
        return
    folder = tmp_path_factory.mktemp("demo-template")
    with own_database(kind, folder) as url:
        yield kind, url, _load_demo_into(url, folder / "instance")


def _load_demo_into(url: str, instance_path) -> str:
    """Migrate the database at `url` as in production and load the demo office; its instance folder."""
    from flask_migrate import upgrade

    from casework.demo.data import load_demo

    app = make_app(url, instance_path)
    with app.app_context():
        upgrade()
        load_demo(app.instance_path)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return app.instance_path


@pytest.fixture
def migrated_demo_database(_migrated_demo_template, tmp_path):
    """The URL of a database of the test's own holding a copy of `_migrated_demo_template`."""
    from sqlalchemy import make_url

    kind, template, _instance = _migrated_demo_template
    if kind == "sqlite":
        import sqlite3

        target = tmp_path / "own.sqlite3"
        source, copy = sqlite3.connect(make_url(template).database), sqlite3.connect(target)
        with copy:
            source.backup(copy)
        source.close()
        copy.close()
        yield f"sqlite:///{target}"
        return
    with _postgresql_database(template=make_url(template).database) as url:
        yield url


def make_app(database_url, instance_path, **overrides):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    os.environ["CASEWORK_INSTANCE_PATH"] = str(instance_path)
    app = create_app(config)
    app.jinja_env.bytecode_cache = TEMPLATES_COMPILED_ONCE
    return app


class FreshRequestClient(FlaskClient):
    """Requests share the test's app context; start each one with an empty `g`, as in production."""

    def open(self, *args, **kwargs):
        for key in list(g):
            g.pop(key)
        return super().open(*args, **kwargs)


@pytest.fixture
def app(_schema, tmp_path):
    app = make_app(_schema, tmp_path / "instance")
    app.test_client_class = FreshRequestClient
    with app.app_context():
        yield app
        _empty_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def factory(app):
    from tests import factories

    return factories


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, username, password=PASSWORD):
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture(scope="session")
def _demo_rows(_migrated_demo_template):
    """Every table's rows of the demo office that `_migrated_demo_template` built, and the instance
    folder its load wrote demo-passwords.txt into."""
    from sqlalchemy import create_engine

    _kind, url, instance_path = _migrated_demo_template
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = {table.name: [dict(row._mapping) for row in conn.execute(table.select())]
                for table in db.metadata.sorted_tables}
    engine.dispose()
    return rows, instance_path


@pytest.fixture
def demo_office(app, _demo_rows):
    """The demo office (`casework demo load`), copied into this test's empty database; the
    instance folder the load wrote its demo-passwords.txt into."""
    _demo_rows, instance_path = _demo_rows
    db.session.remove()
    with db.engine.begin() as conn:
        for table in db.metadata.sorted_tables:
            if _demo_rows[table.name]:
                conn.execute(table.insert(), _demo_rows[table.name])
        if conn.dialect.name == "postgresql":  # identities continue after the copied rows
            for table in db.metadata.sorted_tables:
                if "id" in table.c and table.c.id.autoincrement is not False and _demo_rows[table.name]:
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                      f"(SELECT max(id) FROM {table.name}))"))
    return instance_path


@pytest.fixture
def office(app):
    """Two programmes and a user of every role, committed."""
    from tests import factories

    return factories.office()


def csrf_token_from(html: str) -> str:
    from tools.http_client import csrf_token  # the reader the load run and the scan use

    token = csrf_token(html)
    assert token, "no CSRF token in the page"
    return token


# --- browser -------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        if REQUIRE_BROWSER:
            pytest.fail(f"Chromium is required for the browser tests but {CHROMIUM} is missing")
        pytest.skip(f"no Chromium at {CHROMIUM} (install Debian's chromium package)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


@pytest.fixture
def live_server(_schema, tmp_path):
    """The app served on 127.0.0.1 in a thread, with CSRF on, on the test database."""
    app = make_app(_schema, tmp_path / "instance", WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.app = app
    server.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            _empty_tables()
            db.engine.dispose()


@pytest.fixture
def seeded(live_server):
    """The live server with the office: programmes A and B and one user per role."""
    from tests import factories

    with live_server.app.app_context():
        factories.office()
        db.session.remove()
    return live_server
