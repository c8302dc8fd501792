"""Scheduler state in SQL through SQLAlchemy: a SQLite file by default, PostgreSQL (psycopg 3) when given its URL.

Every status write is a compare-and-set (`UPDATE ... WHERE id = :id AND status = :expected`) plus a history row in
the same transaction, so concurrent writers can never regress a task or a replicate: on PostgreSQL the second writer
waits on the row lock, then finds the status changed and updates nothing (READ COMMITTED re-checks the WHERE).
Creation (tasks per (deal, index), replicates per (task, worker), workers, challenges, results) is an
`INSERT ... ON CONFLICT`, so two processes sharing one database cannot both create, nor fail on a duplicate key.
Inside one process, writes are also serialized by a lock: SQLite has one writer anyway, and it spares us SQLITE_BUSY
upgrade deadlocks between the API threads and the engine thread; it is kept on PostgreSQL so both back ends behave
the same within a process, while the database guarantees the rest across processes.
"""

from __future__ import annotations

import re
import secrets
import threading
from contextlib import contextmanager

from sqlalchemy import create_engine, event, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from offchain.protocol import workflow as wf
from offchain.protocol.statuses import Modifier, ReplicateStatus, TaskStatus
from offchain.scheduler.clock import SYSTEM_CLOCK, Clock

from .models import Base, Replicate, ReplicateHistory, Task, TaskHistory


class StoreError(Exception):
    """The database URL is wrong or the database cannot be reached; the message is one line, without password."""


# Back ends we support, with the one driver each (psycopg 3 for PostgreSQL: pinned in requirements.lock).
DRIVERS = {"sqlite": "pysqlite", "postgresql": "psycopg"}
_SCHEMA_LOCK = (
    0x506F436F  # PostgreSQL advisory lock id: processes starting together create the tables one at a time
)


def _redact(raw: str) -> str:
    return re.sub(r"://([^:/@]*):[^@/]*@", r"://\1:***@", raw)


def database_url(raw: str) -> URL:
    """Parse and check a SQLAlchemy URL; `postgresql://` and `postgres://` mean psycopg 3."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise StoreError(
            f"{_redact(raw)!r} is not a database URL (sqlite:///FILE or postgresql://USER:PASSWORD@HOST:PORT/DB)"
        ) from None
    # The alias is rewritten before anything looks the driver up: SQLAlchemy has no "postgres" dialect to load.
    backend = "postgresql" if url.get_backend_name() == "postgres" else url.get_backend_name()
    if backend not in DRIVERS:
        raise StoreError(
            f"unsupported database {backend!r} in {url.render_as_string(hide_password=True)}: "
            "use sqlite:///FILE or postgresql://USER:PASSWORD@HOST:PORT/DB"
        )
    _, plus, driver = url.drivername.partition("+")
    if plus and driver != DRIVERS[backend]:
        raise StoreError(
            f"driver {driver!r} is not supported for {backend}: use {backend}+{DRIVERS[backend]}"
        )
    return url.set(drivername=f"{backend}+{DRIVERS[backend]}")


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    """WAL: readers never block the writer."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


class Store:
    def __init__(self, url: str = "sqlite:///scheduler.db", clock: Clock = SYSTEM_CLOCK):
        self.url = database_url(url)
        self.clock = clock
        self.dialect = self.url.get_backend_name()
        try:
            self.engine = create_engine(self.url, **self._engine_options())
        except ImportError as exc:
            raise StoreError(f"{self.dialect} needs the {exc.name} package: run `make setup`") from exc
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._create_tables()
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write = threading.RLock()

    def _engine_options(self) -> dict:
        if self.dialect == "sqlite":
            return {"connect_args": {"check_same_thread": False, "timeout": 30}}
        # A dead server fails the start within seconds; stale pooled connections are replaced, not used.
        options: dict = {"pool_pre_ping": True}
        if "connect_timeout" not in self.url.query:
            options["connect_args"] = {"connect_timeout": 10}
        return options

    def _create_tables(self) -> None:
        """Create the missing tables; the first connection, so a wrong URL or a dead server fails here."""
        try:
            with self.engine.begin() as conn:
                if self.dialect == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SCHEMA_LOCK})
                Base.metadata.create_all(conn)
        except SQLAlchemyError as exc:
            self.engine.dispose()
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise StoreError(
                f"cannot connect to {self.url.render_as_string(hide_password=True)}: {reason}"
            ) from exc

    def close(self) -> None:
        """Close every pooled connection (a dropped PostgreSQL database or a deleted SQLite file needs it)."""
        self.engine.dispose()

    @contextmanager
    def tx(self):
        """One write transaction: commits on success, rolls back on error."""
        with self._write, self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self):
        with self._sessions() as session:
            yield session

    # -- compare-and-set ------------------------------------------------------------------------------------------
    def set_task_status(
        self,
        s: Session,
        task_id: str,
        expected: str,
        new: str,
        cause: str = "",
        **fields,
    ) -> bool:
        """CAS on the task status; refuses transitions the workflow table does not allow."""
        if not wf.task_can_move(expected, new):
            raise ValueError(f"task transition {expected} -> {new} is not allowed")
        now = self.clock.time()
        res = s.execute(
            update(Task)
            .where(Task.task_id == task_id, Task.status == expected)
            .values(status=new, version=Task.version + 1, updated_at=now, **fields)
        )
        if res.rowcount != 1:
            return False
        s.add(
            TaskHistory(
                task_id=task_id,
                from_status=expected,
                to_status=new,
                cause=cause,
                at=now,
            )
        )
        return True

    def fail_task(self, s: Session, task_id: str, expected: str, error: str, cause: str = "") -> bool:
        """An error status immediately followed by FAILED, both in the history."""
        if not self.set_task_status(s, task_id, expected, error, cause):
            return False
        return self.set_task_status(s, task_id, error, TaskStatus.FAILED, cause)

    def set_replicate_status(
        self,
        s: Session,
        task_id: str,
        worker: str,
        expected: str,
        new: str,
        modifier: str,
        cause: str = "",
        **fields,
    ) -> bool:
        if not wf.replicate_can_move(expected, new):
            raise ValueError(f"replicate transition {expected} -> {new} is not allowed")
        now = self.clock.time()
        res = s.execute(
            update(Replicate)
            .where(
                Replicate.task_id == task_id,
                Replicate.worker == worker,
                Replicate.status == expected,
            )
            .values(status=new, updated_at=now, **fields)
        )
        if res.rowcount != 1:
            return False
        s.add(
            ReplicateHistory(
                task_id=task_id,
                worker=worker,
                from_status=expected,
                to_status=new,
                modifier=modifier,
                cause=cause,
                at=now,
            )
        )
        return True

    # -- creation: INSERT ... ON CONFLICT, so concurrent creators never both win nor hit a duplicate key -----------
    def _insert(self, model):
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(model)

    def insert_new(self, s: Session, model, **values) -> bool:
        """Insert a row unless one with the same key exists; True when this call created it."""
        # RETURNING, not rowcount: drivers need not report a row count for INSERT (psycopg through SQLAlchemy: -1).
        keys = list(model.__table__.primary_key.columns)
        stmt = self._insert(model).values(**values).on_conflict_do_nothing().returning(*keys)
        return s.execute(stmt).first() is not None

    def upsert(self, s: Session, model, **values) -> None:
        """Insert a row, or overwrite the given columns of the one with the same primary key."""
        stmt = self._insert(model).values(**values)
        keys = [c.name for c in model.__table__.primary_key.columns]
        s.execute(
            stmt.on_conflict_do_update(
                index_elements=keys, set_={k: stmt.excluded[k] for k in values if k not in keys}
            )
        )

    def add_replicate(self, s: Session, task_id: str, worker: str, weight: int) -> bool:
        """A CREATED replicate of this worker on this task; False when it already has one."""
        now, created = self.clock.time(), ReplicateStatus.CREATED
        if not self.insert_new(
            s,
            Replicate,
            task_id=task_id,
            worker=worker,
            status=created,
            weight=weight,
            created_at=now,
            updated_at=now,
        ):
            return False
        s.add(
            ReplicateHistory(
                task_id=task_id, worker=worker, to_status=created, modifier=Modifier.POOL_MANAGER, at=now
            )
        )
        return True

    def create_task(self, s: Session, **fields) -> bool:
        """Insert a task once per (deal, index); False when it already exists."""
        now, received = self.clock.time(), TaskStatus.RECEIVED
        if not self.insert_new(s, Task, status=received, created_at=now, updated_at=now, **fields):
            return False
        s.add(TaskHistory(task_id=fields["task_id"], to_status=received, at=now))
        s.flush()
        return True

    # -- misc -----------------------------------------------------------------------------------------------------
    def session_id(self) -> str:
        """A fresh id per process start: workers notice scheduler restarts through /workers/ping."""
        if not hasattr(self, "_session_id"):
            self._session_id = secrets.token_hex(8)
        return self._session_id
