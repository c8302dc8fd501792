"""What the routes depend on: the scheduler behind the app, the calling worker (bearer token), a live chain."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from offchain.scheduler.errors import Refused
from offchain.scheduler.loop import Scheduler
from offchain.scheduler.store import queries as q


def scheduler(request: Request) -> Scheduler:
    return request.app.state.scheduler


SchedulerDep = Annotated[Scheduler, Depends(scheduler)]


def current_worker(sched: SchedulerDep, authorization: str | None = Header(default=None)) -> str:
    if not authorization or not authorization.startswith("Bearer "):
        raise Refused(401, "missing bearer token: log in with /workers/login")
    token = authorization.removeprefix("Bearer ").strip()
    with sched.store.read() as s:
        wallet = q.token_wallet(s, token, sched.clock.time())
    if wallet is None:
        raise Refused(401, "unknown or expired token: log in again")
    return wallet


WorkerDep = Annotated[str, Depends(current_worker)]  # the calling worker's wallet


def require_healthy(sched: Scheduler) -> None:
    if not sched.healthy():
        raise Refused(503, "the scheduler has lost its chain node; try again later")
