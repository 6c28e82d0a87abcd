"""Progress of long commands on a terminal (rows done, rate, time left); silent otherwise."""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, label: str, total: int | None = None, stream=None, enabled: bool | None = None):
        self.label = label
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.done = 0
        self.started = time.monotonic()
        self._shown = 0.0

    def advance(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._shown < 0.5 and (self.total is None or self.done < self.total):
            return
        self._shown = now
        self.stream.write("\r" + self.line(now) + "\033[K")
        self.stream.flush()

    def line(self, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self.started, 1e-9)
        rate = self.done / elapsed
        text = f"{self.label}: {self.done:,}"
        if self.total:
            left = (self.total - self.done) / rate if rate else 0
            text += f"/{self.total:,} ({100 * self.done / self.total:.0f}%)"
            text += f", {rate:,.0f}/s, {left:,.0f} s left"
        else:
            text += f", {rate:,.0f}/s"
        return text

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\r" + self.line() + "\033[K\n")
            self.stream.flush()
