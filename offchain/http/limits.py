"""Request body limits (ASGI middleware): a bounded body per route, so no request can fill the server's memory.

Two checks, because a client may or may not announce its size:
- a `Content-Length` above the route's limit is answered 413 before the application runs (no auth, no database
  work, not one body byte read);
- bytes are counted as they stream in (chunked bodies, lying headers) by Starlette's `RequestBodyLimitMiddleware`:
  past the limit the read raises a 413 HTTP error, so at most `limit` bytes are ever buffered.
Limits are chosen per route by `"METHOD /path/{param}"` (or `"/path/{param}"` for every method), e.g. a larger one
for result uploads; everything else gets the default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from offchain.http.errors import error_response

DEFAULT_BODY_LIMIT = 1024 * 1024  # JSON bodies of our APIs are a few kB; uploads get their own limit


def _route_pattern(key: str) -> tuple[str | None, re.Pattern]:
    method, _, path = key.strip().rpartition(" ")
    regex = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path))
    return (method.upper() or None), re.compile(f"^{regex}$")


class RouteLimits:
    """Which body limit applies to a request: the first matching `"METHOD /path/{param}"` key, else the default."""

    def __init__(self, default: int = DEFAULT_BODY_LIMIT, routes: Mapping[str, int] | None = None):
        self.default = default
        self.routes = [(*_route_pattern(key), limit) for key, limit in (routes or {}).items()]

    def limit_for(self, method: str, path: str) -> int:
        for route_method, pattern, limit in self.routes:
            if (route_method is None or route_method == method) and pattern.match(path):
                return limit
        return self.default

    def all_limits(self) -> set[int]:
        return {self.default, *(limit for _, _, limit in self.routes)}


class BodyLimit:
    def __init__(self, app: ASGIApp, limits: RouteLimits | None = None):
        self.app = app
        self.limits = limits or RouteLimits()
        self._counted = {limit: RequestBodyLimitMiddleware(app, limit) for limit in self.limits.all_limits()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.limit_for(scope["method"], scope["path"])
        length = Headers(scope=scope).get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                await error_response(400, f"Content-Length {length!r} is not a byte count")(
                    scope, receive, send
                )
                return
            if int(length) > limit:
                reason = f"request body of {int(length)} bytes is larger than the {limit} bytes allowed here"
                await error_response(413, reason, {"Connection": "close"})(scope, receive, send)
                return
        await self._counted[limit](scope, receive, send)
