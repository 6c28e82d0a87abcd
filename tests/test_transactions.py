"""How a request's transaction ends: what only read is committed on PostgreSQL (psycopg keeps its
prepared statements), and anything that wrote, or failed, is rolled back as before."""
from __future__ import annotations

from sqlalchemy import event, select, text

from casework.extensions import db
from casework.programmes.models import Programme
from casework.transactions import end_read_only_transaction


def _name(programme_id: int) -> str:
    db.session.remove()
    return db.session.scalar(select(Programme.name).where(Programme.id == programme_id))


def _commits(action) -> int:
    commits = []
    listener = lambda conn: commits.append(conn)  # noqa: E731
    event.listen(db.engine, "commit", listener)
    try:
        action()
    finally:
        event.remove(db.engine, "commit", listener)
    return len(commits)


def test_a_write_nobody_committed_is_rolled_back_at_the_end_of_the_request(office):
    programme_id, name = office.ch.id, office.ch.name
    db.session.remove()
    db.session.execute(text("UPDATE programmes SET name = 'Written, never committed' WHERE id = :id"),
                       {"id": programme_id})
    assert _commits(lambda: end_read_only_transaction(None)) == 0
    assert _name(programme_id) == name


def test_a_pending_change_is_rolled_back_at_the_end_of_the_request(office):
    programme_id, name = office.ch.id, office.ch.name
    db.session.remove()
    db.session.get(Programme, programme_id).name = "Changed, never flushed"
    assert _commits(lambda: end_read_only_transaction(None)) == 0
    assert _name(programme_id) == name


def test_a_request_that_failed_is_rolled_back(office):
    programme_id = office.ch.id
    db.session.remove()
    db.session.scalar(select(Programme.name).where(Programme.id == programme_id))
    assert _commits(lambda: end_read_only_transaction(RuntimeError("the page failed"))) == 0


def test_a_request_that_only_read_keeps_the_prepared_statements_on_postgresql(office):
    postgresql = db.engine.dialect.name == "postgresql"
    query, name = select(Programme.name).where(Programme.id == office.ch.id), office.ch.name
    db.session.remove()
    for _ in range(8):  # psycopg prepares a statement at its fifth execution on a connection
        assert db.session.scalar(query) == name
        assert _commits(lambda: end_read_only_transaction(None)) == (1 if postgresql else 0)
        db.session.remove()
    if postgresql:
        with db.engine.connect() as conn:
            prepared = conn.exec_driver_sql("SELECT statement FROM pg_prepared_statements").scalars().all()
        assert any("FROM programmes" in statement for statement in prepared)


def test_sql_text_even_a_select_counts_as_a_write(office):
    """Only a select() SQLAlchemy compiled is a read: SQL text may change something whatever it starts
    with (set_config() would outlive the request on the pooled connection), so it is rolled back."""
    programme_id = office.ch.id
    db.session.remove()
    db.session.execute(text("SELECT name FROM programmes WHERE id = :id"), {"id": programme_id})
    assert _commits(lambda: end_read_only_transaction(None)) == 0
    db.session.remove()
    db.session.scalar(select(Programme.name).where(Programme.id == programme_id))
    assert _commits(lambda: end_read_only_transaction(None)) == (1 if db.engine.dialect.name == "postgresql" else 0)


def test_each_request_ends_its_own_transaction_before_its_session_is_removed(app, office):
    """A request has an application context of its own; at its end the read is committed on
    PostgreSQL (the teardown runs before Flask-SQLAlchemy removes the session), rolled back on SQLite."""
    postgresql = db.engine.dialect.name == "postgresql"
    programme_id = office.ch.id
    db.session.remove()

    def request():
        with app.app_context():
            db.session.scalar(select(Programme.name).where(Programme.id == programme_id))

    assert _commits(request) == (1 if postgresql else 0)
