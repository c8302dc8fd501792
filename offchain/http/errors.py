"""One error reply for every service: a 4xx/5xx JSON `{"error": "<one sentence>"}`, whatever raised it.

`install_error_handlers(app)` maps our `ApiError`, request validation (400, not FastAPI's 422), Starlette's HTTP
errors (405 carries `Allow` with every method the path accepts), the chain layer's `NodeUnavailable` (503 with
`Retry-After`) and anything unexpected (500 with a one-line reason, the traceback stays in the log).
"""

from __future__ import annotations

import logging
import math

import requests
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.routing import Match

from offchain.chain.errors import NodeUnavailable

log = logging.getLogger(__name__)

DEFAULT_RETRY_AFTER = 5


class ErrorReply(BaseModel):
    """The body of every error reply."""

    error: str


class ApiError(Exception):
    """Raise from a handler to answer `status` with a one-line reason (and optional headers)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


def error_response(status: int, reason: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": reason}, status_code=status, headers=headers)


def validation_reason(exc: RequestValidationError) -> str:
    """The first validation problem as one line ("invalid request: cpuCount: ..."), as the scheduler words it."""
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "request"
    msg = "body is not valid JSON" if first.get("type") == "json_invalid" else f"{where}: {first.get('msg')}"
    return f"invalid request: {msg}"


_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def allowed_methods(app: FastAPI, scope) -> list[str]:
    """Every method some route of the app accepts for this path, asked of the routes themselves (nested routers
    included); Starlette's own 405 names only the first matching route's methods."""
    return [
        method
        for method in _METHODS
        if any(route.matches({**scope, "method": method})[0] == Match.FULL for route in app.router.routes)
    ]


def install_error_handlers(app: FastAPI, retry_after: int = DEFAULT_RETRY_AFTER) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_req: Request, exc: ApiError):
        return error_response(exc.status, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, exc: RequestValidationError):
        return error_response(400, validation_reason(exc))

    @app.exception_handler(HTTPException)
    async def _http(req: Request, exc: HTTPException):
        headers = dict(exc.headers or {})
        reason = str(exc.detail)
        if exc.status_code == 405:
            allow = allowed_methods(app, req.scope)
            headers["Allow"] = ", ".join(allow)
            reason = f"method {req.method} not allowed on {req.url.path}: use {', '.join(allow)}"
        elif exc.status_code == 413 and MAX_BODY_SIZE_SCOPE_KEY in req.scope:
            reason = f"request body larger than {req.scope[MAX_BODY_SIZE_SCOPE_KEY]} bytes"
        elif exc.status_code == 404 and reason == "Not Found":
            reason = f"no such path: {req.url.path}"
        return error_response(exc.status_code, reason, headers or None)

    async def _node(_req: Request, exc: Exception):
        wait = getattr(exc, "retry_after", retry_after)
        reason = (
            exc.reason
            if isinstance(exc, NodeUnavailable)
            else f"chain node unreachable ({type(exc).__name__})"
        )
        return error_response(
            503, f"chain node unavailable, try again later: {reason}", {"Retry-After": str(math.ceil(wait))}
        )

    # A web3 call made without the retrying provider surfaces the raw requests error: the same outage.
    for kind in (NodeUnavailable, requests.ConnectionError, requests.Timeout):
        app.add_exception_handler(kind, _node)

    @app.exception_handler(Exception)
    async def _unexpected(req: Request, exc: Exception):
        log.error("unhandled error on %s %s", req.method, req.url.path, exc_info=exc)
        return error_response(500, f"internal error ({type(exc).__name__})")
