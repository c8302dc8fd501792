"""Every refusal as `{"error": "<one sentence>"}` with its status, and the checks of path and query values."""

from __future__ import annotations

import re

from eth_utils import is_address, to_checksum_address
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from offchain.scheduler.errors import Refused

HEX32 = re.compile(r"^0x[0-9a-fA-F]{64}$")


def install(app: FastAPI) -> None:
    @app.exception_handler(Refused)
    async def _refused(_req: Request, exc: Refused):
        return JSONResponse({"error": exc.message}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "request"
        msg = (
            "body is not valid JSON"
            if first.get("type") == "json_invalid"
            else f"{where}: {first.get('msg')}"
        )
        return JSONResponse({"error": f"invalid request: {msg}"}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException):
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)


def wallet_param(value: str | None) -> str:
    if not value or not is_address(value):
        raise Refused(400, f"walletAddress {value!r} is not an Ethereum address")
    return to_checksum_address(value)


def task_id_param(value: str) -> str:
    if not HEX32.match(value or ""):
        raise Refused(400, f"{value!r} is not a task id (0x + 64 hex digits)")
    return value.lower()
