"""`harden(app)`: the one line a service adds to get the shared error shape, body limits and documented errors."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI

from offchain.http.errors import DEFAULT_RETRY_AFTER, install_error_handlers
from offchain.http.limits import DEFAULT_BODY_LIMIT, BodyLimit, RouteLimits
from offchain.http.openapi import document_errors


def harden(
    app: FastAPI,
    *,
    body_limit: int = DEFAULT_BODY_LIMIT,
    route_limits: Mapping[str, int] | None = None,
    retry_after: int = DEFAULT_RETRY_AFTER,
) -> FastAPI:
    """Call once after the routes are declared, before serving. `route_limits` maps `"PUT /results/{taskId}"`
    (or a bare path) to a byte limit; every other body is limited to `body_limit`."""
    install_error_handlers(app, retry_after=retry_after)
    limits = RouteLimits(body_limit, route_limits)
    app.add_middleware(BodyLimit, limits=limits)
    document_errors(app, limits.limit_for)
    return app
