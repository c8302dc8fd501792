"""Bounded exponential back-off on an injected clock: how long the worker waits after repeated failures."""

from __future__ import annotations

import time
from collections.abc import Callable


class Backoff:
    """After `failed()`, `ready()` is false for `base`, then 2x, 4x ... up to `cap` seconds; `succeeded()` resets.

    The clock is a monotonic seconds function, so tests move it instead of sleeping."""

    def __init__(self, base: float, cap: float, clock: Callable[[], float] = time.monotonic):
        if base <= 0 or cap < base:
            raise ValueError(f"back-off needs 0 < base <= cap (got base {base}, cap {cap})")
        self.base, self.cap, self.clock = base, cap, clock
        self.failures = 0
        self.until = float("-inf")

    @property
    def delay(self) -> float:
        """The wait the last failure imposed (0 before any)."""
        return 0.0 if self.failures == 0 else min(self.cap, self.base * 2 ** (self.failures - 1))

    def failed(self) -> float:
        """Record one more failure in a row; returns the wait before the next try."""
        self.failures += 1
        self.until = self.clock() + self.delay
        return self.delay

    def succeeded(self) -> None:
        self.failures, self.until = 0, float("-inf")

    def ready(self) -> bool:
        return self.clock() >= self.until

    def remaining(self) -> float:
        return max(0.0, self.until - self.clock())
