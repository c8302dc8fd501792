"""Work: pull a task (`/replicates/available`), resume after a restart (`/replicates/interrupted`), report a status
and get the next action (`/replicates/{taskId}/updateStatus`)."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from offchain.scheduler.errors import Refused
from offchain.scheduler.reports import ACCEPTED, check_report
from offchain.scheduler.store import queries as q

from .deps import SchedulerDep, WorkerDep, require_healthy
from .errors import task_id_param

router = APIRouter(prefix="/replicates")


class StatusBody(BaseModel):
    status: str
    details: dict = Field(default_factory=dict)


@router.get("/available")
def available(
    wallet: WorkerDep,
    sched: SchedulerDep,
    blockNumber: int = Query(default=0, ge=0),  # noqa: N803 (API name)
):
    require_healthy(sched)
    with sched.store.tx() as s:
        w = q.touch_worker(s, wallet, sched.clock.time())
        if not w.registered:
            raise Refused(403, "register first with POST /workers/register")
        w.last_ask = w.last_alive
    offer = sched.assigner.assign(wallet)
    return Response(status_code=204) if offer is None else offer.to_wire()


@router.get("/interrupted")
def interrupted(wallet: WorkerDep, sched: SchedulerDep):
    return [notice.to_wire() for notice in sched.reports.interrupted(wallet)]


@router.post("/{taskId}/updateStatus")
def update_status(taskId: str, body: StatusBody, wallet: WorkerDep, sched: SchedulerDep):  # noqa: N803 (API name)
    task_id = task_id_param(taskId)
    cause = check_report(body.status, body.details)
    require_healthy(sched)
    code, reply = sched.reports.update_status(task_id, wallet, body.status, cause, body.details)
    return reply.to_wire() if code == ACCEPTED else JSONResponse(reply.to_wire(), status_code=code)
