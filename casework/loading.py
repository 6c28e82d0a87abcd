"""Load or 404, then permission or 403: the first two steps of every view, in one place.

A record the user may not see because it belongs to another programme answers 404, like a
record that does not exist, so that its existence does not leak; a record the user may see
but not act on answers 403 (the view passes `may_act`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from flask import abort

from casework.extensions import db

T = TypeVar("T")


def found_or_404(obj: T | None, may_see: Callable[[T], bool] | None = None) -> T:
    """`obj`, or 404 when there is none or the user may not see it."""
    if obj is None or (may_see is not None and not may_see(obj)):
        abort(404)
    return obj


def load_or_404(model: type[T], ident, *, may_see: Callable[[T], bool] | None = None,
                options: Iterable = ()) -> T:
    """The row of `model` with primary key `ident`, or 404 (see `found_or_404`)."""
    return found_or_404(db.session.get(model, ident, options=list(options)), may_see)


def allowed_or_403(allowed: bool) -> None:
    """403 unless the user may take this action on what they can see."""
    if not allowed:
        abort(403)
