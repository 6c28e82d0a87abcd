"""One way to end a unit of work, for the web, the CLI and the import: commit once, or roll back.

Services flush but never commit; whoever called them ends the transaction here. A DomainError
(or anything else) rolls back everything the action did and is raised on, so nothing is ever
half-saved. An action that met a simultaneous one (Retry) is run again from the start, a few times.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import CompoundSelect, Select, event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from casework.errors import Retry
from casework.extensions import db

T = TypeVar("T")
RETRIES = 5


def run_in_transaction(action: Callable[[], T], *, commit_on: tuple[type[BaseException], ...] = (),
                       wait_for_disk: bool = True) -> T:
    """`commit_on` names refusals that are themselves recorded (a throttled login's audit row):
    what the action wrote is committed, then the refusal is raised on.

    `wait_for_disk=False` is for the record of a read (a page viewed): the commit returns before
    the database has synced it to disk, so a page costs no disk flush. A crash of the machine
    (not of the application) may then lose the last such records, never a part of one and never
    a change: the next ordinary commit syncs them with it."""
    for attempt in range(1, RETRIES + 1):
        try:
            if not wait_for_disk:
                _without_waiting_for_disk()
            result = action()
            db.session.commit()
            return result
        except Retry:
            db.session.rollback()
            if attempt == RETRIES:
                raise
        except commit_on:
            db.session.commit()
            raise
        except BaseException:
            db.session.rollback()
            raise
    raise AssertionError("unreachable")


def _without_waiting_for_disk() -> None:
    """Relax the sync of this transaction's commit, only while the transaction has written nothing
    (nothing flushed, nothing pending): a change is never committed this way."""
    session = db.session
    if session.new or session.dirty or session.deleted:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # One statement: this transaction only (set_config's is_local), and only if it has written nothing.
        connection.exec_driver_sql("SELECT set_config('synchronous_commit', 'off', true)"
                                   " WHERE txid_current_if_assigned() IS NULL")
        return
    raw = connection.connection.dbapi_connection
    if connection.dialect.name == "sqlite" and not raw.in_transaction:  # SQLite refuses it inside one
        raw.execute("PRAGMA synchronous=NORMAL")  # in WAL mode: synced at the next FULL commit or checkpoint
        connection.connection.info[_RELAXED] = True


_RELAXED = "casework_synchronous_normal"


@event.listens_for(Pool, "checkin")
def _full_sync_again(dbapi_connection, connection_record) -> None:
    """A connection that committed a read's record goes back to the pool syncing every commit (an
    invalidated one, closed, has nothing to restore)."""
    if connection_record is None or not connection_record.info.pop(_RELAXED, False) or dbapi_connection is None:
        return
    try:
        dbapi_connection.execute("PRAGMA synchronous=FULL")
    except Exception:  # a broken connection: closed rather than left in the pool relaxed
        logging.getLogger(__name__).warning("a database connection could not sync every commit again; closed")
        connection_record.invalidate()


# --- the end of a request that only read -----------------------------------------------------------

_WROTE = "casework_wrote"  # on the connection: its transaction ran something other than a plain read
# Functions a SELECT may call that change something: such a SELECT counts as a write.
_CHANGING = ("nextval(", "setval(", "set_config(", "pg_advisory")


@event.listens_for(Engine, "begin")
def _nothing_written_yet(conn) -> None:
    conn.info[_WROTE] = False


@event.listens_for(Engine, "before_cursor_execute")
def _note_a_write(conn, cursor, statement, parameters, context, executemany) -> None:
    """Only a SELECT that SQLAlchemy compiled from a select() is a read; SQL text, driver SQL and
    everything else count as writes, whatever they say."""
    compiled = getattr(context, "compiled", None)
    read = (compiled is not None and isinstance(compiled.statement, Select | CompoundSelect)
            and not any(name in statement for name in _CHANGING))
    if not read:
        conn.info[_WROTE] = True


def note_a_write(connection) -> None:
    """For what writes through the driver's own connection, which no event sees (COPY, for one)."""
    connection.info[_WROTE] = True


def end_read_only_transaction(error: BaseException | None) -> None:
    """At the end of a request on PostgreSQL, a transaction that only read is committed rather than
    rolled back: it changes nothing in the database either way, but psycopg forgets every prepared
    statement at a rollback, so that each page would plan all of its statements again (about 1 ms
    each for My work's). Anything else ends as before, in the session's removal: written or pending
    changes, an error, a statement other than a compiled SELECT — even one of a bug's that nobody
    committed — is rolled back. It never raises: the session's removal must still run."""
    if error is not None or not db.session.registry.has():
        return
    session = db.session()
    try:
        if (not session.in_transaction() or not session.is_active or session.new or session.dirty
                or session.deleted or session.get_bind().dialect.name != "postgresql"):
            return
        connection = session.connection()
        if connection.info.get(_WROTE, True):
            return
        session.commit()
    except Exception:  # anything unexpected: rolled back, as before
        logging.getLogger(__name__).warning("a read-only request's transaction could not be committed; rolled back")
        session.rollback()
