"""The name search is answered by the search-key indexes, not by reading every person."""
from __future__ import annotations

import pytest

from casework.extensions import db
from casework.search.services import parse_query, search_statement


def test_name_search_uses_the_indexes(office):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    stmt = search_statement(office.caseworker, parse_query("Djordjevic"))
    compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = [row[-1] for row in db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")]
    text = "\n".join(plan)
    print(text)
    assert "ix_persons_search_key " in text + " " and "ix_persons_search_key_given_first" in text
    assert "SEARCH cases USING INTEGER PRIMARY KEY" in text
    assert not any(line.strip().startswith("SCAN") and "persons" in line and "INDEX" not in line for line in plan)
