"""The worker's own small SQLite state: every task it holds, how far it got, and the transactions it sent.

It lets a restarted worker resume (or report) without the scheduler's help, and never send a transaction twice:
the tx hash is stored as soon as the transaction is broadcast.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

# Local statuses of a task (the worker's view; the scheduler's replicate statuses are in protocol/workflow.py).
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
FINAL = frozenset({DONE, ABORTED})
# Local status -> replicate status to report again while waiting (a duplicate gets 208 + the current next action).
REPORT_FOR = {
    STARTED: "STARTED",
    COMPUTED: "COMPUTED",
    CONTRIBUTED: "CONTRIBUTED",
    REVEALED: "REVEALED",
    UPLOADED: "RESULT_UPLOADED",
}

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
_COLUMNS = (
    "digest",
    "result_hash",
    "result_seal",
    "contribute_tx",
    "reveal_tx",
    "result_link",
    "last_action",
    "error",
)


class WorkerState:
    def __init__(self, path: Path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(_SCHEMA)

    def add(self, assignment: dict) -> bool:
        """Record a new task (False if it is already known: the scheduler gave it twice)."""
        now = time.time()
        cur = self.db.execute(
            "INSERT OR IGNORE INTO tasks (task_id, assignment, status, created_at, updated_at) VALUES (?,?,?,?,?)",
            (assignment["taskId"].lower(), json.dumps(assignment), ASSIGNED, now, now),
        )
        return cur.rowcount == 1

    def get(self, task_id: str) -> dict | None:
        row = self.db.execute("SELECT * FROM tasks WHERE task_id = ?", (task_id.lower(),)).fetchone()
        return _row(row) if row else None

    def update(self, task_id: str, status: str | None = None, **fields) -> None:
        unknown = set(fields) - set(_COLUMNS)
        if unknown:
            raise ValueError(f"unknown task fields: {sorted(unknown)}")
        sets, values = ["updated_at = ?"], [time.time()]
        if status is not None:
            sets.append("status = ?")
            values.append(status)
        for key, value in fields.items():
            sets.append(f"{key} = ?")
            values.append(value)
        self.db.execute(f"UPDATE tasks SET {', '.join(sets)} WHERE task_id = ?", (*values, task_id.lower()))

    def active(self) -> list[dict]:
        rows = self.db.execute(
            "SELECT * FROM tasks WHERE status NOT IN (?, ?) ORDER BY created_at", tuple(FINAL)
        ).fetchall()
        return [_row(r) for r in rows]

    def all(self) -> list[dict]:
        return [_row(r) for r in self.db.execute("SELECT * FROM tasks ORDER BY created_at").fetchall()]

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def close(self) -> None:
        self.db.close()


def _row(row: sqlite3.Row) -> dict:
    data = dict(row)
    data["assignment"] = json.loads(data["assignment"])
    return data
