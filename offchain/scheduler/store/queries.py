"""Every query the scheduler's loop and API run, each named after what it answers, on a session from `Store.read()`
or `Store.tx()`; status writes are the compare-and-sets of `Store`."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from offchain.protocol import workflow as wf
from offchain.protocol.statuses import ReplicateStatus as R
from offchain.protocol.statuses import TaskStatus as T

from .models import (
    AuthToken,
    Challenge,
    Replicate,
    ReplicateHistory,
    Result,
    Task,
    TaskHistory,
    TxRecord,
    Worker,
)

BATCH = 64  # rows a detector handles per tick


# -- tasks ----------------------------------------------------------------------------------------------------------
def tasks_to_initialize(s: Session) -> list[Task]:
    """Fresh tasks, most urgent first."""
    q = select(Task).where(Task.status == T.RECEIVED).order_by(Task.contribution_deadline).limit(BATCH)
    return list(s.scalars(q))


def tasks_initializing(s: Session) -> list[Task]:
    return list(s.scalars(select(Task).where(Task.status == T.INITIALIZING).order_by(Task.idx)))


def active_task_ids(s: Session) -> list[str]:
    """Tasks the lifecycle handlers follow: initialized on chain and not ended."""
    skip = wf.TASK_FINAL | {T.RECEIVED, T.INITIALIZING}
    return list(s.scalars(select(Task.task_id).where(Task.status.not_in(skip)).order_by(Task.created_at)))


def task_ids_to_claim(s: Session, now: int) -> list[str]:
    """Tasks failed off chain whose final deadline is over: claimable on chain."""
    q = select(Task.task_id).where(Task.claim_pending.is_(True), Task.final_deadline <= now).limit(BATCH)
    return list(s.scalars(q))


def set_claim_pending(s: Session, task_ids: list[str], pending: bool) -> None:
    """Whether these tasks are to be claimed on chain once their final deadline is over."""
    for task_id in task_ids:
        s.get(Task, task_id).claim_pending = pending


def assignable_tasks(s: Session, open_after: int) -> list[Task]:
    """Tasks taking workers whose contribution window is open after `open_after`: started ones first, then by
    urgency."""
    q = (
        select(Task)
        .where(Task.status.in_(wf.TASK_ASSIGNABLE), Task.contribution_deadline > open_after)
        .order_by((Task.status != T.RUNNING), Task.contribution_deadline, Task.idx)
    )
    return list(s.scalars(q))


def list_tasks(s: Session, status: str | None, limit: int) -> list[Task]:
    q = select(Task).order_by(Task.created_at, Task.idx).limit(limit)
    if status:
        q = q.where(Task.status == status)
    return list(s.scalars(q))


def task_history(s: Session, task_id: str) -> list[TaskHistory]:
    return list(s.scalars(select(TaskHistory).where(TaskHistory.task_id == task_id).order_by(TaskHistory.id)))


def task_counts(s: Session) -> dict[str, int]:
    return dict(s.execute(select(Task.status, func.count()).group_by(Task.status)).all())


# -- replicates -----------------------------------------------------------------------------------------------------
def replicates_of(s: Session, task_id: str) -> list[Replicate]:
    return list(s.scalars(select(Replicate).where(Replicate.task_id == task_id)))


def replicates_with_hash(s: Session, task_id: str, result_hash: str | None) -> list[Replicate]:
    q = select(Replicate).where(Replicate.task_id == task_id, Replicate.result_hash == result_hash)
    return list(s.scalars(q))


def revealed_replicates(s: Session, task_id: str) -> list[Replicate]:
    q = select(Replicate).where(Replicate.task_id == task_id, Replicate.status == R.REVEALED)
    return list(s.scalars(q))


def has_started_replicate(s: Session, task_id: str) -> bool:
    started = (R.STARTED, R.COMPUTED, R.CONTRIBUTED, R.REVEALED)
    q = select(Replicate.worker).where(Replicate.task_id == task_id, Replicate.status.in_(started))
    return s.scalars(q).first() is not None


def replicates_of_lost_workers(s: Session, silent_since: float) -> list[Replicate]:
    """Unfinished, uncontributed replicates of live tasks whose worker has not pinged since `silent_since`."""
    q = (
        select(Replicate)
        .join(Worker, Worker.wallet == Replicate.worker)
        .join(Task, Task.task_id == Replicate.task_id)
        .where(
            Worker.last_alive < silent_since,
            Replicate.status.in_(wf.REPLICATE_PENDING),
            Task.status.not_in(wf.TASK_FINAL),
        )
    )
    return list(s.scalars(q))


def busy_slots(s: Session, wallet: str) -> int:
    """Replicates of this worker that still hold one of its slots."""
    q = (
        select(func.count())
        .select_from(Replicate)
        .join(Task, Task.task_id == Replicate.task_id)
        .where(
            Replicate.worker == wallet,
            Replicate.status.in_(wf.REPLICATE_BUSY),
            Task.status.not_in(wf.TASK_FINAL),
        )
    )
    return s.scalar(q)


def unfinished_replicates(s: Session, wallet: str) -> list[tuple[Replicate, Task]]:
    q = (
        select(Replicate, Task)
        .join(Task, Task.task_id == Replicate.task_id)
        .where(Replicate.worker == wallet, Replicate.status.not_in(wf.REPLICATE_FINAL))
    )
    return [(rep, task) for rep, task in s.execute(q)]


def replicate_history(s: Session, task_id: str) -> list[ReplicateHistory]:
    q = select(ReplicateHistory).where(ReplicateHistory.task_id == task_id).order_by(ReplicateHistory.id)
    return list(s.scalars(q))


# -- workers and logins ---------------------------------------------------------------------------------------------
def take_challenge(s: Session, wallet: str, now: float) -> str | None:
    """The wallet's valid login challenge, deleted (single use: kept if the transaction rolls back), or None."""
    row = s.get(Challenge, wallet)
    if row is None or row.expires_at < now:
        return None
    s.delete(row)
    return row.challenge


def add_token(s: Session, token: str, wallet: str, expires_at: float) -> None:
    s.add(AuthToken(token=token, wallet=wallet, expires_at=expires_at))


def token_wallet(s: Session, token: str, now: float) -> str | None:
    """The wallet a bearer token was given to, while it is valid."""
    row = s.get(AuthToken, token)
    return row.wallet if row is not None and row.expires_at >= now else None


def workers_alive(s: Session, since: float) -> int:
    return s.scalar(select(func.count()).select_from(Worker).where(Worker.last_alive > since))


def touch_worker(s: Session, wallet: str, now: float) -> Worker:
    """The worker showed signs of life; returns its row."""
    worker = s.get(Worker, wallet)
    worker.last_alive = now
    return worker


# -- outbox ---------------------------------------------------------------------------------------------------------
def open_tx_record(s: Session, kind: str, task_ids: list[str], now: float) -> int:
    rec = TxRecord(kind=kind, subject=",".join(task_ids), state="PREPARED", created_at=now, updated_at=now)
    s.add(rec)
    s.flush()
    return rec.id


def mark_tx_sent(s: Session, rec_id: int, task_ids: list[str], tx_hash: str, nonce: int, now: float) -> None:
    rec = s.get(TxRecord, rec_id)
    rec.state, rec.tx_hash, rec.nonce, rec.updated_at = "SENT", tx_hash, nonce, now
    for task_id in task_ids:
        task = s.get(Task, task_id)
        if task is not None:
            task.tx_hash = tx_hash


def close_tx_record(s: Session, rec_id: int, state: str, error: str, now: float) -> None:
    rec = s.get(TxRecord, rec_id)
    rec.state, rec.error, rec.updated_at = state, error[:500], now


def tx_counts(s: Session) -> dict[str, int]:
    return dict(s.execute(select(TxRecord.state, func.count()).group_by(TxRecord.state)).all())


# -- results --------------------------------------------------------------------------------------------------------
def stored_result(s: Session, task_id: str) -> Result | None:
    return s.get(Result, task_id)
