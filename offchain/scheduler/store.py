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
import time
from contextlib import contextmanager

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from offchain.chain.events import cursor_table
from offchain.protocol import workflow as wf


class Base(DeclarativeBase):
    pass


CURSORS = cursor_table(Base.metadata)


class Deal(Base):
    __tablename__ = "deals"
    deal_id: Mapped[str] = mapped_column(String(66), primary_key=True)
    block: Mapped[int] = mapped_column(BigInteger)
    accepted: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text, default="")
    bot_first: Mapped[int] = mapped_column(BigInteger, default=0)
    bot_size: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[float] = mapped_column(Float, default=time.time)


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("deal_id", "idx", name="uq_task_deal_idx"),)
    task_id: Mapped[str] = mapped_column(String(66), primary_key=True)
    deal_id: Mapped[str] = mapped_column(String(66), index=True)
    idx: Mapped[int] = mapped_column(BigInteger)  # deal volumes are 48-bit on chain
    status: Mapped[str] = mapped_column(String(32), index=True)
    trust: Mapped[int] = mapped_column(BigInteger)
    tag: Mapped[str] = mapped_column(String(66))
    timeref: Mapped[int] = mapped_column(BigInteger)
    start_time: Mapped[int] = mapped_column(BigInteger)
    contribution_deadline: Mapped[int] = mapped_column(BigInteger)
    final_deadline: Mapped[int] = mapped_column(BigInteger)
    reveal_deadline: Mapped[int] = mapped_column(BigInteger, default=0)
    bot_first: Mapped[int] = mapped_column(BigInteger)
    bot_size: Mapped[int] = mapped_column(BigInteger)
    app: Mapped[str] = mapped_column(Text)  # JSON {"address","multiaddr","checksum","type"}
    dataset: Mapped[str] = mapped_column(Text, default="null")  # JSON or null
    params: Mapped[str] = mapped_column(Text, default="")
    callback: Mapped[str] = mapped_column(String(42))
    requester: Mapped[str] = mapped_column(String(42), default="")
    enclave_challenge: Mapped[str] = mapped_column(String(42))
    consensus: Mapped[str | None] = mapped_column(String(66), nullable=True)
    consensus_block: Mapped[int] = mapped_column(BigInteger, default=0)
    uploader: Mapped[str | None] = mapped_column(String(42), nullable=True)
    upload_requested_at: Mapped[float] = mapped_column(Float, default=0.0)
    result_link: Mapped[str | None] = mapped_column(Text, nullable=True)
    callback_data: Mapped[str | None] = mapped_column(Text, nullable=True)
    init_block: Mapped[int] = mapped_column(BigInteger, default=0)
    # Last initialize/finalize/reopen transaction of this task.
    tx_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    # Failed off chain while still ACTIVE/REVEALING on chain: claim it at the final deadline (refunds, unlocks).
    claim_pending: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[float] = mapped_column(Float, default=time.time)
    updated_at: Mapped[float] = mapped_column(Float, default=time.time)


class TaskHistory(Base):
    __tablename__ = "task_status_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(String(66), ForeignKey("tasks.task_id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    to_status: Mapped[str] = mapped_column(String(32))
    cause: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[float] = mapped_column(Float, default=time.time)


class Replicate(Base):
    __tablename__ = "replicates"
    task_id: Mapped[str] = mapped_column(String(66), ForeignKey("tasks.task_id"), primary_key=True)
    worker: Mapped[str] = mapped_column(String(42), primary_key=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    weight: Mapped[int] = mapped_column(BigInteger)  # from the on-chain score, unbounded
    result_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    result_link: Mapped[str | None] = mapped_column(Text, nullable=True)
    callback_data: Mapped[str | None] = mapped_column(Text, nullable=True)
    contribute_block: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[float] = mapped_column(Float, default=time.time)
    updated_at: Mapped[float] = mapped_column(Float, default=time.time)


class ReplicateHistory(Base):
    __tablename__ = "replicate_status_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(String(66), index=True)
    worker: Mapped[str] = mapped_column(String(42))
    from_status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    to_status: Mapped[str] = mapped_column(String(32))
    modifier: Mapped[str] = mapped_column(String(16))  # WORKER or POOL_MANAGER
    cause: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[float] = mapped_column(Float, default=time.time)


class Worker(Base):
    __tablename__ = "workers"
    wallet: Mapped[str] = mapped_column(String(42), primary_key=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    cpu_count: Mapped[int] = mapped_column(Integer, default=1)
    tee_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    registered: Mapped[bool] = mapped_column(Boolean, default=False)
    last_alive: Mapped[float] = mapped_column(Float, default=0.0)
    last_ask: Mapped[float] = mapped_column(Float, default=0.0)


class AuthToken(Base):
    __tablename__ = "auth_tokens"
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    wallet: Mapped[str] = mapped_column(String(42), index=True)
    expires_at: Mapped[float] = mapped_column(Float)


class Challenge(Base):
    __tablename__ = "login_challenges"
    wallet: Mapped[str] = mapped_column(String(42), primary_key=True)
    challenge: Mapped[str] = mapped_column(String(66))
    expires_at: Mapped[float] = mapped_column(Float)


class TxRecord(Base):
    """Outbox: every transaction the scheduler sends, with its purpose and fate."""

    __tablename__ = "transactions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(Text)  # task ids, comma separated
    state: Mapped[str] = mapped_column(String(16))  # PREPARED, SENT, MINED, REVERTED, ERROR
    tx_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    nonce: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[float] = mapped_column(Float, default=time.time)
    updated_at: Mapped[float] = mapped_column(Float, default=time.time)


class Result(Base):
    __tablename__ = "results"
    task_id: Mapped[str] = mapped_column(String(66), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(66), default="")
    size: Mapped[int] = mapped_column(BigInteger)
    uploaded_by: Mapped[str] = mapped_column(String(42))
    at: Mapped[float] = mapped_column(Float, default=time.time)


class Meta(Base):
    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)


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
    backend = "postgresql" if url.get_backend_name() == "postgres" else url.get_backend_name()
    if backend not in DRIVERS:
        raise StoreError(
            f"unsupported database {backend!r} in {url.render_as_string(hide_password=True)}: "
            "use sqlite:///FILE or postgresql://USER:PASSWORD@HOST:PORT/DB"
        )
    driver = url.get_driver_name()
    if "+" in url.drivername and driver != DRIVERS[backend]:
        raise StoreError(
            f"driver {driver!r} is not supported for {backend}: use {backend}+{DRIVERS[backend]}"
        )
    return url.set(drivername=f"{backend}+{DRIVERS[backend]}")


class Store:
    def __init__(self, url: str = "sqlite:///scheduler.db"):
        self.url = database_url(url)
        self.dialect = self.url.get_backend_name()
        kwargs: dict = {}
        if self.dialect == "sqlite":
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            # A dead server fails the start within seconds; stale pooled connections are replaced, not used.
            kwargs["pool_pre_ping"] = True
            if "connect_timeout" not in self.url.query:
                kwargs["connect_args"] = {"connect_timeout": 10}
        try:
            self.engine = create_engine(self.url, **kwargs)
        except ImportError as exc:
            raise StoreError(f"{self.dialect} needs the {exc.name} package: run `make setup`") from exc
        if self.dialect == "sqlite":

            @event.listens_for(self.engine, "connect")
            def _pragmas(dbapi_conn, _record):  # WAL: readers never block the writer
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.close()

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
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write = threading.RLock()

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
        now = time.time()
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
        return self.set_task_status(s, task_id, error, wf.FAILED, cause)

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
        now = time.time()
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
        if not self.insert_new(
            s, Replicate, task_id=task_id, worker=worker, status=wf.CREATED, weight=weight
        ):
            return False
        s.add(
            ReplicateHistory(
                task_id=task_id,
                worker=worker,
                to_status=wf.CREATED,
                modifier="POOL_MANAGER",
            )
        )
        return True

    def create_task(self, s: Session, **fields) -> bool:
        """Insert a task once per (deal, index); False when it already exists."""
        if not self.insert_new(s, Task, status=wf.RECEIVED, **fields):
            return False
        s.add(TaskHistory(task_id=fields["task_id"], to_status=wf.RECEIVED))
        s.flush()
        return True

    # -- misc -----------------------------------------------------------------------------------------------------
    def session_id(self) -> str:
        """A fresh id per process start: workers notice scheduler restarts through /workers/ping."""
        if not hasattr(self, "_session_id"):
            self._session_id = secrets.token_hex(8)
        return self._session_id

    def counts(self) -> dict[str, int]:
        with self.read() as s:
            rows = s.execute(select(Task.status, func.count()).group_by(Task.status)).all()
        return {status: n for status, n in rows}
