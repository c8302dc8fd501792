"""Read-only views: the tasks (`/tasks`, `/tasks/{taskId}` with replicates and histories) and `/metrics`."""

from __future__ import annotations

import os

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from offchain.protocol import workflow as wf
from offchain.scheduler.errors import Refused
from offchain.scheduler.store import Task
from offchain.scheduler.store import queries as q

from .deps import SchedulerDep
from .errors import task_id_param

ALIVE_WINDOW = 60.0  # a worker that pinged within this many seconds counts as alive

router = APIRouter()


def task_view(t: Task) -> dict:
    return {
        "taskId": t.task_id,
        "dealId": t.deal_id,
        "taskIndex": t.idx,
        "status": t.status,
        "trust": t.trust,
        "contributionDeadline": t.contribution_deadline,
        "revealDeadline": t.reveal_deadline,
        "finalDeadline": t.final_deadline,
        "consensus": t.consensus,
        "uploader": t.uploader,
        "resultLink": t.result_link,
        "txHash": t.tx_hash,
    }


@router.get("/tasks")
def tasks(sched: SchedulerDep, status: str | None = None, limit: int = Query(default=500, ge=1, le=5000)):
    if status and status not in wf.TASK_STATUSES:
        raise Refused(400, f"unknown task status {status!r}: one of {sorted(wf.TASK_STATUSES)}")
    with sched.store.read() as s:
        return [task_view(t) for t in q.list_tasks(s, status, limit)]


@router.get("/tasks/{taskId}")
def task(taskId: str, sched: SchedulerDep):  # noqa: N803 (API name)
    task_id = task_id_param(taskId)
    with sched.store.read() as s:
        t = s.get(Task, task_id)
        if t is None:
            raise Refused(404, f"unknown task {task_id}")
        view = task_view(t)
        view["replicates"] = [
            {"worker": r.worker, "status": r.status, "weight": r.weight, "resultHash": r.result_hash}
            for r in q.replicates_of(s, task_id)
        ]
        view["history"] = [
            {"from": h.from_status, "to": h.to_status, "cause": h.cause, "at": h.at}
            for h in q.task_history(s, task_id)
        ]
        view["replicateHistory"] = [
            {"worker": h.worker, "from": h.from_status, "to": h.to_status, "by": h.modifier, "cause": h.cause}
            for h in q.replicate_history(s, task_id)
        ]
    return view


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(sched: SchedulerDep):
    lines = [f"scheduler_{k} {v}" for k, v in sched.metrics.items()]
    with sched.store.read() as s:
        lines.append(f"workers_alive {q.workers_alive(s, sched.clock.time() - ALIVE_WINDOW)}")
        lines += [f'tasks{{status="{status}"}} {n}' for status, n in q.task_counts(s).items()]
        lines += [f'transactions{{state="{state}"}} {n}' for state, n in q.tx_counts(s).items()]
    lines.append(f"chain_head {sched.head_number}")
    lines.append(f"process_pid {os.getpid()}")
    return "\n".join(lines) + "\n"
