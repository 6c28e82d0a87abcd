"""casework: case management for assisted voluntary return and reintegration."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from casework import config as cfg
from casework.extensions import babel, csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("CASEWORK_INSTANCE_PATH", str(ROOT / "instance")),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder="static",
    )
    cfg.protect_instance_folder(app.instance_path)
    app.config.from_mapping(cfg.DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    if test_config:
        app.config.from_mapping(test_config)
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", cfg.database_url(app.instance_path))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = cfg.load_secret_key(app.instance_path)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from casework.i18n import select_locale

    db.init_app(app)
    from casework.transactions import end_read_only_transaction

    app.teardown_appcontext(end_read_only_transaction)  # runs before the session is removed
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    from casework import form_messages

    form_messages.install()
    login_manager.init_app(app)
    from casework.auth import session  # noqa: F401  (registers the user loader)


# Each domain module has init_app(app): it registers its blueprint and whatever it adds to
# shared pages (navigation, case and programme page sections, dashboard widgets, CLI groups, demo data).
DOMAINS = [
    "casework.auth.views",
    "casework.dashboard",
    "casework.cases.views",
    "casework.admin.views",
    "casework.grants.views",
    "casework.notes.views",
    "casework.plans.views",
    "casework.referrals.views",
    "casework.tasks.views",
    "casework.mywork.views",
    "casework.casefile.views",
    "casework.documents.views",
    "casework.reports.views",
    "casework.imports.views",
    "casework.cases.export",
    "casework.search.views",
    "casework.surveys.views",
    "casework.monitoring.views",
    "casework.security",
    "casework.backup",
]


def register_blueprints(app: Flask) -> None:
    from importlib import import_module

    for key in ("nav", "case_page_sections", "programme_page_sections", "dashboard_widgets", "cli_groups",
                "demo_hooks"):
        app.extensions.setdefault(key, [])
    for name in DOMAINS:
        import_module(name).init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from casework.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from casework.templating import register

    register(app)


def register_commands(app: Flask) -> None:
    from casework.cli import register

    register(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Durable, consistent SQLite: WAL, full sync, foreign keys, wait rather than fail on locks."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        # Owner-only before WAL mode creates -wal and -shm, which SQLite gives the database
        # file's permissions; files made earlier under a looser umask are tightened too.
        for _seq, _name, path in cursor.execute("PRAGMA database_list").fetchall():
            if path:
                cfg.owner_only(path, path + "-wal", path + "-shm")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


@event.listens_for(Engine, "connect")
def _postgresql_settings(dbapi_connection, connection_record):
    """PostgreSQL: no parallel workers for the application's statements. Each reads a bounded number
    of index entries (a page, a count up to its cap); starting a worker costs several milliseconds,
    more than such a statement, and on a small server the worker waits for a core that another
    request holds. Without this the planner chose a parallel plan for the decision queue's count on
    a freshly analysed database, and the queue and the dashboard took twice as long."""
    if type(dbapi_connection).__module__.startswith("psycopg"):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
        dbapi_connection.commit()  # a SET rolled back with its transaction would not last
