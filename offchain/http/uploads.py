"""Streamed uploads: write a request body to a temporary file chunk by chunk, up to a bound, hashing as it goes.

The body never sits in memory whole; past `max_bytes` the partial file is removed and the client gets 413.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import ClientDisconnect, Request

from offchain.http.errors import ApiError


@dataclass(frozen=True)
class Upload:
    path: Path  # a temporary file in the requested folder: move it (os.replace) or delete it
    size: int
    sha256: str

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


async def stream_to_file(
    request: Request, directory: str | Path, max_bytes: int, *, allow_empty=False
) -> Upload:
    """Write the request body to a new temporary file in `directory` (same file system as the final place, so the
    caller can publish it atomically with os.replace). Raises ApiError 413 past `max_bytes`, 400 when empty or cut."""
    fd, name = tempfile.mkstemp(dir=directory, prefix=".upload-")
    path, size, digest = Path(name), 0, hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            async for chunk in request.stream():
                size += len(chunk)
                if size > max_bytes:
                    raise ApiError(413, f"upload larger than {max_bytes} bytes", {"Connection": "close"})
                digest.update(chunk)
                out.write(chunk)
        if size == 0 and not allow_empty:
            raise ApiError(400, "empty body")
    except ClientDisconnect as exc:
        path.unlink(missing_ok=True)
        raise ApiError(400, f"upload cut off by the client after {size} bytes") from exc
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Upload(path, size, digest.hexdigest())
