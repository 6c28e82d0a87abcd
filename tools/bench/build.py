"""Building (once) the synthetic benchmark database, on SQLite or PostgreSQL."""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import SQLAlchemyError


def sqlite_url(cache_dir: Path, scale: int, seed: int) -> str:
    return "sqlite:///" + str(cache_dir / f"bench-{scale}-seed{seed}.sqlite3")


def _ready(app, scale: int) -> bool:
    from sqlalchemy import func, select

    from casework.cases.models import Case
    from casework.extensions import db
    from casework.programmes.models import Programme

    try:
        return db.session.scalar(select(func.count()).select_from(Case).join(Programme)
                                 .where(Programme.code.like("SYN-%"))) == scale
    except SQLAlchemyError:  # no schema yet
        db.session.rollback()
        return False


def _reset(url: str) -> None:
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url[len("sqlite:///"):] + suffix).unlink(missing_ok=True)
        return
    _create_postgres_database(url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _create_postgres_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database when the server has none of that name."""
    target = make_url(url)
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}) is None:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


def ensure_database(url: str, scale: int, seed: int, instance_path: Path, say=print):
    """An app on `url` holding exactly `scale` synthetic cases; built only when missing."""
    from flask_migrate import upgrade

    from casework import create_app
    from casework.extensions import db

    os.environ["CASEWORK_INSTANCE_PATH"] = str(instance_path)
    config = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
              "TESTING": False}
    app = create_app(config)
    with app.app_context():
        if _ready(app, scale):
            db.session.remove()  # no open transaction may hold a lock that a migration waits for
            before = _revision()
            upgrade()  # a cached database follows the schema's newer migrations
            if _revision() != before:
                _analyze()  # a migration that filled a column leaves the rows it rewrote to be vacuumed
            db.engine.dispose()
            return app
        db.session.remove()
        db.engine.dispose()
    _reset(url)
    app = create_app(config)
    with app.app_context():
        from casework.demo.synth import synthesize
        from casework.progress import Progress

        upgrade()
        say(f"building the synthetic database ({scale:,} cases) at {url.split('@')[-1]} ...")
        progress = Progress("Synthetic cases", total=scale)
        synthesize(scale, seed=seed, progress=progress)
        progress.finish()
        db.session.commit()
        _analyze()
        db.engine.dispose()
    return app


def _revision() -> str | None:
    from alembic.migration import MigrationContext

    from casework.extensions import db

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _analyze() -> None:
    """Statistics for the planner; on PostgreSQL also the visibility map, for index-only scans."""
    from casework.extensions import db

    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"))
