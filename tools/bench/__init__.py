"""The benchmark: a synthetic database built once, and a list of measurements run against it.

Each measurement is a function registered with @measurement; it receives a Bench (the app,
a logged-in client, helpers) and returns {key: value}, or raises NotAvailable("n/a: ...")
when what it measures is not part of this installation. Other modules plug in their own
measurements the same way.
"""
from __future__ import annotations

from collections.abc import Callable

MEASUREMENTS: list[tuple[str, Callable]] = []


class NotAvailable(Exception):
    """What the measurement needs is not present; reported as its message, never a failure."""


def measurement(name: str):
    def register(fn):
        MEASUREMENTS.append((name, fn))
        return fn

    return register
