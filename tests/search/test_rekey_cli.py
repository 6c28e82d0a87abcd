"""`casework search rekey` on a small database."""
from __future__ import annotations

from sqlalchemy import select, update

from casework.cases.models import Person
from casework.extensions import db


def test_rekey_repairs_keys_written_without_them(office, runner):
    db.session.execute(update(Person.__table__).values(search_key="", search_key_given_first=""))
    db.session.commit()
    result = runner.invoke(args=["search", "rekey"])
    assert result.exit_code == 0 and "3 persons" in result.output
    keys = set(db.session.scalars(select(Person.search_key)))
    assert keys == {"petrovic marko", "petrovic jelena", "berisha arben"}
