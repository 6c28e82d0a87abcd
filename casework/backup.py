"""Backups of the whole database: `casework backup FILE` and `casework restore FILE`.

SQLite is copied with its online backup API, a consistent snapshot even while the app writes.
PostgreSQL goes through pg_dump's custom format and pg_restore. A backup is written beside its
target under a temporary name and renamed when complete, so a failed backup never leaves a
half-written file under the name asked for. A restore checks the file first and refuses one
that is not a backup of this kind of database.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, inspect, select, table
from sqlalchemy.engine import make_url

from casework.extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why, for the person running it."""


def table_counts() -> dict[str, int]:
    """Rows per table of the configured database, to compare a restore with its backup."""
    names = sorted(inspect(db.engine).get_table_names())
    return {name: db.session.scalar(select(func.count()).select_from(table(name))) for name in names}


def _sqlite_path(url) -> Path | None:
    return Path(url.database) if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") \
        else None


def _pg_env(url) -> dict:
    env = {**os.environ, "PGHOST": url.host or "", "PGPORT": str(url.port or 5432), "PGUSER": url.username or "",
           "PGDATABASE": url.database or ""}
    if url.password:
        env["PGPASSWORD"] = url.password
    return env


def _run(command: list[str], env: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed on this machine (PostgreSQL's client tools)")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-500:]}")


def _copy_sqlite(source, target) -> None:
    """Copy a whole SQLite database page by page (the online backup API), then close both."""
    origin = sqlite3.connect(source, uri=str(source).startswith("file:"))
    copy = sqlite3.connect(target)
    try:
        origin.backup(copy)
    finally:
        copy.close()
        origin.close()


def make_backup(target: Path) -> None:
    """Write a backup of the configured database to `target` (replaced only once complete)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    target = target.resolve()
    if not target.parent.is_dir():
        raise BackupError(f"no such folder: {target.parent}")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    # The file holds personal data: owner-only from its first byte, whatever the umask.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        if url.get_backend_name() == "sqlite":
            source = _sqlite_path(url)
            if source is None or not source.exists():
                raise BackupError("the configured SQLite database does not exist")
            _copy_sqlite(source, partial)
        elif url.get_backend_name() == "postgresql":
            _run(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}"], _pg_env(url))
        else:
            raise BackupError(f"backups of {url.get_backend_name()} databases are not supported")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def check_backup(source: Path, backend: str) -> None:
    """Refuse a missing file, or one that is not a complete backup of this kind of database."""
    if not source.is_file():
        raise BackupError(f"no such file: {source}")
    with open(source, "rb") as fh:
        head = fh.read(16)
    if backend == "sqlite":
        if not head.startswith(SQLITE_MAGIC):
            raise BackupError(f"{source.name} is not a SQLite backup")
        conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
            has_schema = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source.name} is damaged: {error}") from None
        finally:
            conn.close()
        if verdict != "ok":
            raise BackupError(f"{source.name} is damaged: {verdict}")
        if not has_schema:
            raise BackupError(f"{source.name} is a SQLite file, but not a casework database")
    elif not head.startswith(PG_MAGIC):
        raise BackupError(f"{source.name} is not a PostgreSQL backup (pg_dump's custom format)")


def restore_backup(source: Path) -> None:
    """Replace the configured database's contents with the backup in `source`."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    backend = url.get_backend_name()
    check_backup(source, backend)
    db.session.remove()
    db.engine.dispose()
    if backend == "sqlite":
        target = _sqlite_path(url)
        if target is None:
            raise BackupError("the configured SQLite database is not a file")
        _copy_sqlite(f"file:{source}?mode=ro", target)
    else:
        _run(["pg_restore", "--list", str(source)], _pg_env(url))  # a truncated dump fails here, not half-way
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={url.database}", str(source)], _pg_env(url))


def _run_step(step, *args):
    """Run a backup step; its refusal becomes the command's one-line error."""
    from casework.cli import CommandError

    try:
        return step(*args)
    except BackupError as error:
        raise CommandError(str(error)) from None


def _recorded(action: str, file: Path, done: str) -> None:
    """Record the backup or restore in the audit trail, with the row counts, and say so."""
    from casework.audit.services import record
    from casework.transactions import run_in_transaction

    counts = table_counts()
    run_in_transaction(lambda: record(action, entity_type="database", summary=f"{done} {file.name}",
                                      changes={"file": file.name, "rows": counts}))
    click.echo(f"{done} {file} ({sum(counts.values()):,} rows in {len(counts)} tables).")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path):
    """Write a backup of the whole database to FILE."""
    _run_step(make_backup, file)
    _recorded("backup_made", file, "Backup written to")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the current data without asking.")
@with_appcontext
def restore_command(file: Path, yes: bool):
    """Replace the whole database with the backup in FILE."""
    _run_step(check_backup, file, make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name())
    try:
        current = sum(table_counts().values())
    except Exception:  # an empty or new database has no tables yet
        db.session.rollback()
        current = 0
    if current and not yes:
        click.confirm(f"This replaces all {current:,} rows of the current database with {file.name}. Go on?",
                      abort=True)
    _run_step(restore_backup, file)
    _recorded("backup_restored", file, "Restored from")


def init_app(app) -> None:
    app.extensions["cli_groups"] += [backup_command, restore_command]
