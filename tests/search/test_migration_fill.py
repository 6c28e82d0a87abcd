"""Migration 0301 fills the search keys of persons recorded before it."""
from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import text

from casework.extensions import db
from tests.conftest import make_app
from tests.test_migrations import empty_database_url  # noqa: F401  (fixture)


def test_existing_persons_get_their_keys(empty_database_url, tmp_path):  # noqa: F811
    app = make_app(empty_database_url, tmp_path / "instance")
    with app.app_context():
        upgrade(revision="0401")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO donors (id, name) VALUES (1, 'Swiss FOM')"))
            conn.execute(text("INSERT INTO programmes (id, code, name, donor_id, currency, start_date, "
                              "decision_authority) VALUES (1, 'AVR-CH', 'AVR-CH', 1, 'CHF', '2002-07-01', 'donor')"))
            conn.execute(text("INSERT INTO cases (id, reference, programme_id, status, notes, created_at, "
                              "updated_at, version) VALUES (1, 'AVR-CH-2010-0001', 1, 'referred', '', "
                              "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"))
            conn.execute(text("INSERT INTO persons (id, case_id, family_name, given_name, sex, birth_year, "
                              "relationship, travelled, created_at, updated_at, version) VALUES "
                              "(1, 1, 'Ђорђевић', 'Љиљана', 'F', 1980, 'principal', true, CURRENT_TIMESTAMP, "
                              "CURRENT_TIMESTAMP, 1)"))
        upgrade()
        with db.engine.connect() as conn:
            keys = conn.execute(text("SELECT search_key, search_key_given_first FROM persons")).one()
        assert tuple(keys) == ("dordevic ljiljana", "ljiljana dordevic")
        db.engine.dispose()
