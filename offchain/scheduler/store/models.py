"""The scheduler's tables (SQLAlchemy models): deals, tasks, replicates, both histories, workers, login tokens and
challenges, the outbox of transactions, stored results, chain cursors and the chain identity."""

from __future__ import annotations

import time

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
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from offchain.chain.events import cursor_table


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
