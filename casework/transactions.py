"""One way to end a unit of work, for the web, the CLI and the import: commit once, or roll back.

Services flush but never commit; whoever called them ends the transaction here. A DomainError
(or anything else) rolls back everything the action did and is raised on, so nothing is ever
half-saved. An action that met a simultaneous one (Retry) is run again from the start, a few times.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from casework.errors import Retry
from casework.extensions import db

T = TypeVar("T")
RETRIES = 5


def run_in_transaction(action: Callable[[], T], *, commit_on: tuple[type[BaseException], ...] = ()) -> T:
    """`commit_on` names refusals that are themselves recorded (a throttled login's audit row):
    what the action wrote is committed, then the refusal is raised on."""
    for attempt in range(1, RETRIES + 1):
        try:
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
