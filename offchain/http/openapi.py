"""The error replies in each route's OpenAPI: every 4xx a route can answer, with the `{"error": ...}` body.

`error_responses(403, 409)` is the `responses=` argument of a route decorator for the codes only its handler knows;
`document_errors(app)` adds, to every route, the ones the shared layers produce: 400 (invalid parameters or body,
instead of FastAPI's unused 422), 401 (routes taking an `Authorization` header), 404 (routes with path
parameters), 413 (routes with a body, with their limit) and 503 (chain node unavailable, with `Retry-After`).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

from offchain.http.errors import ErrorReply

REASONS = {
    400: "Invalid request: the reason names the parameter or field",
    401: "Missing, unknown or expired credentials",
    403: "Authenticated but not allowed to do this",
    404: "No such resource",
    405: "Method not allowed; `Allow` lists the accepted ones",
    409: "Conflicts with the current state",
    413: "Request body too large",
    429: "Too many requests",
    503: "Chain node unavailable; retry after `Retry-After` seconds",
}
_REF = {"$ref": "#/components/schemas/ErrorReply"}
_BODY_METHODS = {"POST", "PUT", "PATCH"}
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"}


def error_responses(*codes: int) -> dict[int, dict]:
    """`responses=` for a route decorator: these codes answer `{"error": "<reason>"}`."""
    return {code: {"model": ErrorReply, "description": REASONS.get(code, "Error")} for code in codes}


def inferred_codes(method: str, operation: dict) -> set[int]:
    """The errors the shared layers can answer for one OpenAPI operation, read from its parameters."""
    params = operation.get("parameters", [])
    codes = {503}
    if params or "requestBody" in operation:
        codes.add(400)
    if any(p.get("in") == "header" and p.get("name", "").lower() == "authorization" for p in params):
        codes.add(401)
    if any(p.get("in") == "path" for p in params):
        codes.add(404)
    if method.upper() in _BODY_METHODS:
        codes.add(413)
    return codes


def document_errors(app: FastAPI, body_limit: Callable[[str, str], int] | None = None) -> None:
    """Post-process the app's generated OpenAPI once; `body_limit(method, path)` puts each limit in the 413 text."""
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema and app.openapi_schema.get("x-errors-documented"):
            return app.openapi_schema
        schema = generate()
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault("ErrorReply", ErrorReply.model_json_schema())
        for path, operations in schema.get("paths", {}).items():
            for method, op in operations.items():
                if not isinstance(op, dict) or method.upper() not in _METHODS:
                    continue
                responses = op.setdefault("responses", {})
                responses.pop("422", None)  # validation errors answer 400 here
                for code in sorted(inferred_codes(method, op)):
                    entry = responses.setdefault(
                        str(code),
                        {"description": REASONS[code], "content": {"application/json": {"schema": _REF}}},
                    )
                    if code == 413 and body_limit is not None:
                        entry["description"] = f"Request body above {body_limit(method.upper(), path)} bytes"
                    if code == 503:
                        entry.setdefault("headers", {})["Retry-After"] = {
                            "description": "seconds to wait before retrying",
                            "schema": {"type": "integer"},
                        }
        unused = not any("HTTPValidationError" in str(op) for op in schema.get("paths", {}).values())
        if unused:
            schemas.pop("HTTPValidationError", None)
            schemas.pop("ValidationError", None)
        schema["x-errors-documented"] = True
        app.openapi_schema = schema
        return schema

    app.openapi = openapi
