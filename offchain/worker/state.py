"""The worker's own small SQLite state: every task it holds, how far it got, and the transactions it sent.

It lets a restarted worker resume (or report) without the scheduler's help, and never send a transaction twice:
the tx hash is stored as soon as the transaction is broadcast.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from offchain.protocol.messages import WorkOffer
from offchain.protocol.statuses import ReplicateStatus


class LocalStatus(StrEnum):
    """How far the worker got with a task (its own view; the scheduler's is the replicate status)."""

    ASSIGNED = "ASSIGNED"  # authorization verified, STARTED not yet accepted
    STARTED = "STARTED"  # compute next (or running)
    COMPUTED = "COMPUTED"  # digest known, contribute when asked
    CONTRIBUTING = "CONTRIBUTING"  # contribute tx broadcast (hash stored), receipt pending
    CONTRIBUTED = "CONTRIBUTED"  # on chain; waiting for reveal / abort
    REVEALING = "REVEALING"
    REVEALED = "REVEALED"  # waiting for upload / complete
    UPLOADED = "UPLOADED"
    DONE = "DONE"
    ABORTED = "ABORTED"


FINAL = frozenset({LocalStatus.DONE, LocalStatus.ABORTED})
# Local status -> replicate status to report again while waiting (a duplicate gets 208 + the current next action).
REPORT_FOR = {
    LocalStatus.STARTED: ReplicateStatus.STARTED,
    LocalStatus.COMPUTED: ReplicateStatus.COMPUTED,
    LocalStatus.CONTRIBUTED: ReplicateStatus.CONTRIBUTED,
    LocalStatus.REVEALED: ReplicateStatus.REVEALED,
    LocalStatus.UPLOADED: ReplicateStatus.RESULT_UPLOADED,
}


class DiskFull(Exception):
    """The local state cannot be written: the disk (or the database's size limit) is full. Nothing was changed."""


@contextmanager
def _writing() -> Iterator[None]:
    """Turn SQLite's "database or disk is full" and ENOSPC into DiskFull; other errors stay what they are."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "is full" in str(exc):
            raise DiskFull(f"the worker's state database cannot grow: {exc}") from exc
        raise
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise DiskFull(f"no space left for the worker's state: {exc.strerror}") from exc
        raise


@dataclass
class LocalTask:
    """One task as the worker holds it (one row of the tasks table)."""

    task_id: str
    offer: WorkOffer
    status: LocalStatus
    digest: str | None = None  # 0x-hex result digest, once computed
    result_hash: str | None = None
    result_seal: str | None = None
    contribute_tx: str | None = None
    reveal_tx: str | None = None
    result_link: str | None = None
    last_action: str | None = None
    error: str | None = None
    created_at: float = 0.0
    updated_at: float = 0.0

    @property
    def final(self) -> bool:
        return self.status in FINAL

    @property
    def digest_bytes(self) -> bytes:
        return bytes.fromhex(self.digest[2:])


_SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    task_id TEXT PRIMARY KEY,
    assignment TEXT NOT NULL,          -- the /replicates/available reply, JSON
    status TEXT NOT NULL,
    digest TEXT, result_hash TEXT, result_seal TEXT,
    contribute_tx TEXT, reveal_tx TEXT, result_link TEXT,
    last_action TEXT, error TEXT,
    created_at REAL NOT NULL, updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""
_COLUMNS = frozenset(
    {
        "digest",
        "result_hash",
        "result_seal",
        "contribute_tx",
        "reveal_tx",
        "result_link",
        "last_action",
        "error",
    }
)


class WorkerState:
    """The tasks table, with every task also held in memory: `update` writes the row and the object together, so
    the worker's single loop thread never re-reads what it just wrote."""

    def __init__(self, path: Path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(_SCHEMA)
        rows = self.db.execute("SELECT * FROM tasks ORDER BY created_at").fetchall()
        self._tasks: dict[str, LocalTask] = {row["task_id"]: _task(row) for row in rows}

    def add(self, offer: WorkOffer) -> LocalTask | None:
        """Record a new task (None if it is already known: the scheduler gave it twice)."""
        task_id, now = offer.taskId.lower(), time.time()
        if task_id in self._tasks:
            return None
        with _writing():
            self.db.execute(
                "INSERT INTO tasks (task_id, assignment, status, created_at, updated_at) VALUES (?,?,?,?,?)",
                (task_id, json.dumps(offer.to_wire()), LocalStatus.ASSIGNED, now, now),
            )
        task = LocalTask(task_id, offer, LocalStatus.ASSIGNED, created_at=now, updated_at=now)
        self._tasks[task_id] = task
        return task

    def get(self, task_id: str) -> LocalTask | None:
        return self._tasks.get(task_id.lower())

    def update(self, task: LocalTask, status: LocalStatus | None = None, **fields) -> LocalTask:
        unknown = set(fields) - _COLUMNS
        if unknown:
            raise ValueError(f"unknown task fields: {sorted(unknown)}")
        changes = {**fields, "updated_at": time.time()}
        if status is not None:
            changes["status"] = LocalStatus(status)
        sets = ", ".join(f"{key} = ?" for key in changes)
        with _writing():  # the row first: a failed write leaves the object as it was
            self.db.execute(f"UPDATE tasks SET {sets} WHERE task_id = ?", (*changes.values(), task.task_id))
        for key, value in changes.items():
            setattr(task, key, value)
        return task

    def active(self) -> list[LocalTask]:
        return [t for t in self._tasks.values() if not t.final]

    def all(self) -> list[LocalTask]:
        return list(self._tasks.values())

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with _writing():
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def probe(self) -> None:
        """A real write (raises DiskFull while the state cannot grow): tells when space has come back."""
        with _writing():  # a page's worth, written and committed, then removed
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('probe', zeroblob(4096))")
            self.db.execute("DELETE FROM meta WHERE key = 'probe'")

    def close(self) -> None:
        self.db.close()


def _task(row: sqlite3.Row) -> LocalTask:
    data = {f.name: row[f.name] for f in dataclasses.fields(LocalTask) if f.name not in ("offer", "status")}
    offer = WorkOffer.model_validate(json.loads(row["assignment"]))
    return LocalTask(offer=offer, status=LocalStatus(row["status"]), **data)
