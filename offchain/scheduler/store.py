"""Scheduler state in SQL (SQLite by default, PostgreSQL when given a URL) through SQLAlchemy.

Every status write is a compare-and-set (`UPDATE ... WHERE id = :id AND status = :expected`) plus a history row in
the same transaction, so concurrent writers can never regress a task or a replicate. Task creation is idempotent per
(deal, index) thanks to a unique constraint. Writes are serialized by a process-wide lock: SQLite has one writer anyway,
and it spares us SQLITE_BUSY upgrade deadlocks between the API threads and the engine thread.
"""

from __future__ import annotations

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
    update,
)
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
    bot_first: Mapped[int] = mapped_column(Integer, default=0)
    bot_size: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[float] = mapped_column(Float, default=time.time)


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("deal_id", "idx", name="uq_task_deal_idx"),)
    task_id: Mapped[str] = mapped_column(String(66), primary_key=True)
    deal_id: Mapped[str] = mapped_column(String(66), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32), index=True)
    trust: Mapped[int] = mapped_column(Integer)
    tag: Mapped[str] = mapped_column(String(66))
    timeref: Mapped[int] = mapped_column(BigInteger)
    start_time: Mapped[int] = mapped_column(BigInteger)
    contribution_deadline: Mapped[int] = mapped_column(BigInteger)
    final_deadline: Mapped[int] = mapped_column(BigInteger)
    reveal_deadline: Mapped[int] = mapped_column(BigInteger, default=0)
    bot_first: Mapped[int] = mapped_column(Integer)
    bot_size: Mapped[int] = mapped_column(Integer)
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
    weight: Mapped[int] = mapped_column(Integer)
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
    nonce: Mapped[int | None] = mapped_column(Integer, nullable=True)
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


class Store:
    def __init__(self, url: str = "sqlite:///scheduler.db"):
        kwargs: dict = {"future": True}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        self.engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):

            @event.listens_for(self.engine, "connect")
            def _pragmas(dbapi_conn, _record):  # WAL: readers never block the writer
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.close()

        Base.metadata.create_all(self.engine)
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

    def add_replicate(self, s: Session, task_id: str, worker: str, weight: int) -> Replicate:
        rep = Replicate(task_id=task_id, worker=worker, status=wf.CREATED, weight=weight)
        s.add(rep)
        s.add(
            ReplicateHistory(
                task_id=task_id,
                worker=worker,
                to_status=wf.CREATED,
                modifier="POOL_MANAGER",
            )
        )
        return rep

    def create_task(self, s: Session, **fields) -> bool:
        """Insert a task once per (deal, index); False when it already exists."""
        exists = s.execute(
            select(Task.task_id).where(Task.deal_id == fields["deal_id"], Task.idx == fields["idx"])
        ).first()
        if exists:
            return False
        s.add(Task(status=wf.RECEIVED, **fields))
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
