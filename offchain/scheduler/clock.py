"""The scheduler's sense of time, injected: the real clock in production, a manual one that tests advance."""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    def time(self) -> float:
        """Wall-clock seconds (stored in the database: pings, expiries, histories)."""
        ...

    def monotonic(self) -> float:
        """Seconds for intervals in this process (health, caches)."""
        ...


class SystemClock:
    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()


class ManualClock:
    """Stands still (from its start, by default the real time of its creation) until `advance` moves it: a test
    says "40 s later" instead of sleeping 40 s."""

    def __init__(self, start: float | None = None):
        self._now = time.time() if start is None else float(start)
        self._lock = threading.Lock()

    def time(self) -> float:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        return self.time()

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock does not go back")
        with self._lock:
            self._now += seconds


SYSTEM_CLOCK = SystemClock()
