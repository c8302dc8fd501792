"""The result store over HTTP: the elected uploader PUTs the archive; anyone GETs or HEADs it."""

from __future__ import annotations

from fastapi import APIRouter, Header, Request
from fastapi.responses import Response

from offchain.scheduler.errors import Refused
from offchain.scheduler.results import MAX_RESULT_BYTES, result_location
from offchain.scheduler.store import Task

from .deps import SchedulerDep, WorkerDep
from .errors import HEX32, task_id_param

router = APIRouter()

# The one route of a task's result: result_location() names the same path.
ROUTE = result_location("{taskId}")


@router.put(ROUTE)
async def put_result(
    taskId: str,  # noqa: N803 (API name)
    request: Request,
    wallet: WorkerDep,
    sched: SchedulerDep,
    x_result_digest: str | None = Header(default=None),
):
    task_id = task_id_param(taskId)
    if not x_result_digest or not HEX32.match(x_result_digest):
        raise Refused(400, "header X-Result-Digest must be the 0x-prefixed 32-byte result digest")
    with sched.store.read() as s:
        t = s.get(Task, task_id)
    if t is None:
        raise Refused(404, f"unknown task {task_id}")
    if (t.uploader or "") != wallet:
        raise Refused(403, f"{wallet} is not the elected uploader of task {task_id}")
    onchain = sched.chain.view_task(task_id)["resultDigest"]
    if x_result_digest.lower() != "0x" + bytes(onchain).hex():
        raise Refused(409, "X-Result-Digest differs from the digest revealed on chain for this task")
    body = await request.body()
    if not body:
        raise Refused(400, "empty result body")
    if len(body) > MAX_RESULT_BYTES:
        raise Refused(413, f"result larger than {MAX_RESULT_BYTES} bytes")
    sha = sched.results.save(task_id, body, x_result_digest, wallet)
    return {"location": result_location(task_id), "sha256": sha}


@router.head(ROUTE)
def head_result(taskId: str, request: Request, sched: SchedulerDep):  # noqa: N803
    return get_result(taskId, request, sched)


@router.get(ROUTE)
def get_result(taskId: str, request: Request, sched: SchedulerDep):  # noqa: N803
    task_id = task_id_param(taskId)
    stored = sched.results.get(task_id)
    if stored is None:
        raise Refused(404, f"no result stored for task {task_id}")
    headers = {
        "X-Result-Sha256": stored.sha256,
        "X-Result-Digest": stored.digest,
        "Content-Length": str(stored.size),
    }
    if request.method == "HEAD":
        return Response(status_code=200, headers=headers, media_type="application/zip")
    return Response(stored.path.read_bytes(), media_type="application/zip", headers=headers)
