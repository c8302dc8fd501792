"""One retry policy for every chain call: the node is unreliable (restarts, overload, a flaky network).

Transport failures (connection refused or reset, timeouts, HTTP 5xx/429) are retried with bounded exponential
backoff and jitter; once the attempts or the time budget run out, the call raises `NodeUnavailable`, the one error
callers handle (HTTP services answer 503, loops wait and try again later) instead of a zoo of transport exceptions.
Answers of the node (JSON-RPC errors, reverts) are never retried: asking again would get the same answer.

`RetryingHTTPProvider` applies the policy to every JSON-RPC request of a `Web3` (web3's own retry is turned off, so
there is one policy, not two stacked).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import requests
from web3 import HTTPProvider

from offchain.chain.errors import NodeUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")


def is_transient(exc: BaseException) -> bool:
    """A failure of the way to the node, not an answer of the node."""
    if isinstance(exc, requests.HTTPError):
        status = exc.response.status_code if exc.response is not None else 0
        return status >= 500 or status == 429
    return isinstance(exc, (requests.ConnectionError, requests.Timeout, ConnectionError, TimeoutError))


def _what_failed(exc: BaseException) -> str:
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, (requests.Timeout, TimeoutError)):
        return "timed out"
    text = str(exc).lower()
    for word in ("refused", "reset", "aborted", "closed"):
        if word in text:
            return f"connection {word}"
    return type(exc).__name__


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # tries in all, the first included
    base_delay: float = 0.25  # seconds before the second try; doubles each time
    max_delay: float = 4.0  # no single wait longer than this
    deadline: float = 20.0  # no retry starts after this many seconds since the first try
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False, repr=False)

    def delay(self, retry: int) -> float:
        """Wait before retry number `retry` (0-based): exponential, capped, jittered down to half (so clients
        that failed together do not come back together)."""
        return min(self.max_delay, self.base_delay * 2**retry) * random.uniform(0.5, 1.0)

    def call(self, fn: Callable[..., T], *args, what: str = "chain call", **kwargs) -> T:
        start = time.monotonic()
        for attempt in range(1, self.attempts + 1):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                if not is_transient(exc):
                    raise
                wait = self.delay(attempt - 1)
                if attempt == self.attempts or time.monotonic() - start + wait > self.deadline:
                    raise NodeUnavailable(
                        f"{what}: {_what_failed(exc)} after {attempt} attempt(s) in "
                        f"{time.monotonic() - start:.1f} s",
                        retry_after=self.max_delay,
                    ) from exc
                log.warning("%s: %s, retry %d in %.2f s", what, _what_failed(exc), attempt, wait)
                self.sleep(wait)
        raise AssertionError("unreachable")  # the loop returns or raises


DEFAULT_POLICY = RetryPolicy()


class RetryingHTTPProvider(HTTPProvider):
    """web3's HTTP provider with `RetryPolicy` around each request; raises `NodeUnavailable` when it gives up."""

    def __init__(self, endpoint_uri: str, policy: RetryPolicy | None = None, **kwargs):
        kwargs.setdefault("exception_retry_configuration", None)
        super().__init__(endpoint_uri, **kwargs)
        self.policy = policy or DEFAULT_POLICY

    def make_request(self, method, params):
        return self.policy.call(super().make_request, method, params, what=str(method))

    def make_batch_request(self, requests_):
        return self.policy.call(super().make_batch_request, requests_, what="batch request")
