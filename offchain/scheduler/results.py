"""The result store: content-addressed archives on disk, their rows in the database, and the one place that knows
where a task's result lives (`/results/{taskId}` on this scheduler)."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from offchain.scheduler.clock import Clock
from offchain.scheduler.store import Result, Store
from offchain.scheduler.store import queries as q

MAX_RESULT_BYTES = 64 * 1024 * 1024


def result_location(task_id: str) -> str:
    """Path of a task's result on this scheduler's API (the PUT/GET/HEAD route and what finalize records)."""
    return f"/results/{task_id}"


def result_link(task_id: str) -> str:
    """The `results` bytes finalize stores on chain (as text): where a requester downloads the result."""
    return json.dumps({"storage": "scheduler", "location": result_location(task_id)})


def callback_from_archive(path: Path) -> bytes | None:
    """`callback-data` of the computed.json inside a result zip (at its root or under iexec_out/), if any."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.rsplit("/", 1)[-1] == "computed.json"]
            if not names:
                return None
            computed = json.loads(archive.read(min(names, key=len)))
        return bytes.fromhex(str(computed["callback-data"]).removeprefix("0x"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None


@dataclass(frozen=True)
class StoredResult:
    sha256: str
    digest: str
    size: int
    path: Path


class ResultStore:
    def __init__(self, folder: Path, store: Store, clock: Clock):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.store = store
        self.clock = clock

    def save(self, task_id: str, body: bytes, digest: str, uploader: str) -> str:
        """Keep an uploaded archive (written once per content, atomically) as this task's result; returns its
        sha256."""
        sha = hashlib.sha256(body).hexdigest()
        path = self.folder / sha
        if not path.exists():
            tmp = self.folder / f".{sha}.{secrets.token_hex(4)}"
            tmp.write_bytes(body)
            os.replace(tmp, path)
        with self.store.tx() as s:
            self.store.upsert(
                s,
                Result,
                task_id=task_id,
                sha256=sha,
                digest=digest.lower(),
                size=len(body),
                uploaded_by=uploader,
                at=self.clock.time(),
            )
        return sha

    def get(self, task_id: str) -> StoredResult | None:
        """The stored result of this task, if its row and its file are both there."""
        with self.store.read() as s:
            row = q.stored_result(s, task_id)
        if row is None or not (self.folder / row.sha256).exists():
            return None
        return StoredResult(row.sha256, row.digest, row.size, self.folder / row.sha256)

    def has(self, task_id: str) -> bool:
        with self.store.read() as s:
            return q.stored_result(s, task_id) is not None

    def callback_data(self, task_id: str) -> bytes | None:
        """The callback bytes the uploaded archive carries, if any."""
        stored = self.get(task_id)
        return callback_from_archive(stored.path) if stored else None
