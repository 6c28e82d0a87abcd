"""Fast bulk writes for large loads: the driver's executemany on SQLite, COPY on PostgreSQL.

Values are given as the database stores them (money in minor units, enums as their
values); SQLite gets dates and times as the ISO text SQLAlchemy itself writes.
"""
from __future__ import annotations

from datetime import UTC, date, datetime


def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


_PLAIN = (str, int, float, bool, bytes)


def bulk_insert(connection, table: str, columns: list[str], rows) -> int:
    """Insert rows (sequences in `columns` order) through the raw driver connection."""
    from casework.transactions import note_a_write

    note_a_write(connection)  # the driver's own connection: no statement event sees these rows
    raw = connection.connection.dbapi_connection
    names = ", ".join(columns)
    count = 0
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    # Most values pass unchanged; the few dates and times (often one `now` for every row) are
    # converted once each.
    converted: dict = {}

    def value(v):
        if v is None or type(v) in _PLAIN:
            return v
        if v not in converted:
            converted[v] = _sqlite_value(v)
        return converted[v]

    rows = [tuple(map(value, row)) for row in rows]
    cursor = raw.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})", rows)
    finally:
        cursor.close()
    return len(rows)


def next_id(connection, table: str) -> int:
    from sqlalchemy import text

    return (connection.execute(text(f"SELECT MAX(id) FROM {table}")).scalar() or 0) + 1


def reset_sequence(connection, table: str) -> None:
    """After inserting explicit ids on PostgreSQL, move the id sequence past them."""
    from sqlalchemy import text

    if connection.dialect.name == "postgresql":
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"))
