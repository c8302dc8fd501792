"""The scheduler's HTTP API (FastAPI): worker login, registration, pings, work pull, status reports with the next
action as reply, read-only task views, metrics, and the result store. Every error is a 4xx/5xx JSON
`{"error": "<one sentence>"}`; a refused request changes nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from pathlib import Path

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import is_address, to_checksum_address
from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from starlette.exceptions import HTTPException as StarletteHTTPException

from offchain.protocol import constants as C
from offchain.protocol import workflow as wf
from offchain.scheduler.engine import Scheduler
from offchain.scheduler.store import (
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

CHALLENGE_TTL = 300.0
TOKEN_TTL = 24 * 3600.0
MAX_RESULT_BYTES = 64 * 1024 * 1024
_TASK_ID = re.compile(r"^0x[0-9a-fA-F]{64}$")


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message


class LoginBody(BaseModel):
    signature: str = Field(min_length=4, max_length=200)


class RegisterBody(BaseModel):
    name: str = Field(default="", max_length=128)
    cpuCount: int = Field(default=1, ge=1, le=1024)
    teeEnabled: bool = False


class StatusBody(BaseModel):
    status: str
    details: dict = Field(default_factory=dict)


def _wallet(value: str | None) -> str:
    if not value or not is_address(value):
        raise ApiError(400, f"walletAddress {value!r} is not an Ethereum address")
    return to_checksum_address(value)


def _text(value: str, where: str) -> str:
    """Worker-supplied text to store: PostgreSQL text cannot hold NUL characters, so neither back end takes them."""
    if "\x00" in value:
        raise ApiError(400, f"{where} must not contain NUL characters")
    return value


def _task_id(value: str) -> str:
    if not _TASK_ID.match(value or ""):
        raise ApiError(400, f"{value!r} is not a task id (0x + 64 hex digits)")
    return value.lower()


def create_app(sched: Scheduler) -> FastAPI:
    store, cfg = sched.store, sched.cfg
    results_dir = Path(cfg.results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    app = FastAPI(title="PoCo workerpool scheduler", version="1.0")

    # -- errors ---------------------------------------------------------------------------------------------------
    @app.exception_handler(ApiError)
    async def _api_error(_req: Request, exc: ApiError):
        return JSONResponse({"error": exc.message}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "request"
        msg = (
            "body is not valid JSON"
            if first.get("type") == "json_invalid"
            else f"{where}: {first.get('msg')}"
        )
        return JSONResponse({"error": f"invalid request: {msg}"}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException):
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)

    # -- auth -----------------------------------------------------------------------------------------------------
    def current_worker(authorization: str | None = Header(default=None)) -> str:
        if not authorization or not authorization.startswith("Bearer "):
            raise ApiError(401, "missing bearer token: log in with /workers/login")
        token = authorization.removeprefix("Bearer ").strip()
        with store.read() as s:
            row = s.get(AuthToken, token)
        if row is None or row.expires_at < time.time():
            raise ApiError(401, "unknown or expired token: log in again")
        return row.wallet

    def require_healthy() -> None:
        if not sched.healthy():
            raise ApiError(503, "the scheduler has lost its chain node; try again later")

    @app.get("/workers/challenge")
    def challenge(walletAddress: str | None = Query(default=None)):  # noqa: N803 (API name)
        wallet = _wallet(walletAddress)
        value = "0x" + secrets.token_bytes(32).hex()
        with store.tx() as s:
            store.upsert(s, Challenge, wallet=wallet, challenge=value, expires_at=time.time() + CHALLENGE_TTL)
        return {"challenge": value}

    @app.post("/workers/login")
    def login(body: LoginBody, walletAddress: str | None = Query(default=None)):  # noqa: N803
        wallet = _wallet(walletAddress)
        with store.tx() as s:
            row = s.get(Challenge, wallet)
            if row is None or row.expires_at < time.time():
                raise ApiError(401, "no valid challenge for this wallet: ask /workers/challenge first")
            try:
                signer = Account.recover_message(
                    encode_defunct(primitive=bytes.fromhex(row.challenge[2:])), signature=body.signature
                )
            except Exception as exc:
                raise ApiError(401, "signature is malformed") from exc
            if signer != wallet:
                raise ApiError(401, "signature does not match the wallet address")
            s.delete(row)  # single use
            token = secrets.token_hex(32)
            s.add(AuthToken(token=token, wallet=wallet, expires_at=time.time() + TOKEN_TTL))
            store.insert_new(s, Worker, wallet=wallet, last_alive=time.time())
        return {"token": token}

    @app.get("/workers/config")
    def config(wallet: str = Depends(current_worker)):
        return {
            "chainId": sched.chain.chain_id,
            "hub": sched.chain.hub_address,
            "workerpool": sched.pool,
            "scheduler": sched.sender.address if sched.sender else None,
            "resultStoreUrl": cfg.public_url,
            "askForWorkPeriod": cfg.ask_period,
        }

    @app.post("/workers/register")
    def register(body: RegisterBody, wallet: str = Depends(current_worker)):
        name = _text(body.name, "name")
        with store.tx() as s:
            w = s.get(Worker, wallet)
            w.name, w.cpu_count, w.tee_enabled = name, body.cpuCount, body.teeEnabled
            w.registered, w.last_alive = True, time.time()
        return {"ok": True}

    @app.post("/workers/ping")
    def ping(wallet: str = Depends(current_worker)):
        with store.tx() as s:
            s.get(Worker, wallet).last_alive = time.time()
        return {"sessionId": store.session_id()}

    # -- replicates -----------------------------------------------------------------------------------------------
    @app.get("/replicates/available")
    def available(blockNumber: int = Query(default=0, ge=0), wallet: str = Depends(current_worker)):  # noqa: N803
        require_healthy()
        with store.tx() as s:
            w = s.get(Worker, wallet)
            if not w.registered:
                raise ApiError(403, "register first with POST /workers/register")
            w.last_alive = w.last_ask = time.time()
        offer = sched.assign(wallet)
        if offer is None:
            return Response(status_code=204)
        return offer

    @app.get("/replicates/interrupted")
    def interrupted(wallet: str = Depends(current_worker)):
        out = []
        with store.read() as s:
            rows = s.execute(
                select(Replicate, Task)
                .join(Task, Task.task_id == Replicate.task_id)
                .where(Replicate.worker == wallet, Replicate.status.not_in(wf.REPLICATE_FINAL))
            ).all()
        for rep, task in rows:
            action, extra = action_for(task, rep)
            out.append({"taskId": task.task_id, "nextAction": action, "extra": extra})
        return out

    def action_for(task: Task, rep: Replicate) -> tuple[str, dict]:
        action, extra = wf.next_action(
            task.status,
            {"worker": rep.worker, "status": rep.status, "result_hash": rep.result_hash},
            consensus=task.consensus,
            uploader=task.uploader,
            contribution_open=sched.chain.chain_now() < task.contribution_deadline,
            # the reveal deadline is known once consensus is (0 before: nothing to reveal yet)
            reveal_open=not task.reveal_deadline or sched.chain.chain_now() < task.reveal_deadline,
        )
        extra = dict(extra)
        if action == wf.PLEASE_REVEAL:
            extra.update(consensusBlock=task.consensus_block, consensus=task.consensus)
        if action == wf.PLEASE_UPLOAD:
            extra.update(resultStoreUrl=cfg.public_url, location=f"/results/{task.task_id}")
        return action, extra

    @app.post("/replicates/{taskId}/updateStatus")
    def update_status(taskId: str, body: StatusBody, wallet: str = Depends(current_worker)):  # noqa: N803
        task_id = _task_id(taskId)
        status = body.status
        if status not in wf.WORKER_REPORTS:
            raise ApiError(
                400, f"status {status!r} is not one a worker may report: {sorted(wf.WORKER_REPORTS)}"
            )
        cause = _text(str(body.details.get("error", "")), "details.error")[:300]
        require_healthy()
        with store.read() as s:
            task = s.get(Task, task_id)
            rep = s.get(Replicate, (task_id, wallet))
        if task is None:
            raise ApiError(404, f"unknown task {task_id}")
        if rep is None:
            raise ApiError(403, f"task {task_id} was not given to {wallet}")
        current = rep.status
        already = (
            current == status
            or current in wf.REPLICATE_FINAL
            or (wf.replicate_rank(current) > wf.replicate_rank(status) >= 0)
            or (current == wf.RESULT_UPLOAD_REQUESTED and status == wf.REVEALED)
        )
        if already:
            with store.read() as s:
                action, extra = action_for(s.get(Task, task_id), s.get(Replicate, (task_id, wallet)))
            return JSONResponse({"nextAction": action, "extra": extra}, status_code=208)
        if not wf.replicate_can_move(current, status):
            raise ApiError(409, f"cannot go from {current} to {status} for task {task_id}")
        fields = validate(task, rep, status, body.details, wallet)
        with store.tx() as s:
            s.get(Worker, wallet).last_alive = time.time()  # a reporting worker is alive
            ok = store.set_replicate_status(
                s,
                task_id,
                wallet,
                current,
                status,
                "WORKER",
                cause,
                **fields,
            )
        if not ok:  # raced with the engine: answer with the state that won
            with store.read() as s:
                action, extra = action_for(s.get(Task, task_id), s.get(Replicate, (task_id, wallet)))
            return JSONResponse({"nextAction": action, "extra": extra}, status_code=208)
        sched.poke()
        with store.read() as s:
            task, rep = s.get(Task, task_id), s.get(Replicate, (task_id, wallet))
        action, extra = action_for(task, rep)
        return {"nextAction": action, "extra": extra}

    def validate(task: Task, rep: Replicate, status: str, details: dict, wallet: str) -> dict:
        """Check a report against the chain and the store before accepting it; returns fields to store."""
        tid = bytes.fromhex(task.task_id[2:])
        if status == wf.CONTRIBUTED:
            contribution = sched.chain.view_contribution(tid, wallet)
            if contribution["status"] not in (C.CONTRIBUTION_CONTRIBUTED, C.CONTRIBUTION_PROVED):
                raise ApiError(409, f"no contribution of {wallet} to task {task.task_id} on chain yet")
            return {"result_hash": "0x" + bytes(contribution["resultHash"]).hex()}
        if status == wf.REVEALED:
            contribution = sched.chain.view_contribution(tid, wallet)
            if contribution["status"] != C.CONTRIBUTION_PROVED:
                raise ApiError(409, f"no reveal of {wallet} for task {task.task_id} on chain yet")
            return {}
        if status == wf.R_RESULT_UPLOADED:
            if (task.uploader or "") != wallet:
                raise ApiError(409, f"{wallet} is not the elected uploader of task {task.task_id}")
            with store.read() as s:
                if s.get(Result, task.task_id) is None:
                    raise ApiError(
                        409, f"no result stored for task {task.task_id}: PUT /results/{task.task_id} first"
                    )
            callback = details.get("callbackData")
            if callback is not None and not re.fullmatch(r"0x([0-9a-fA-F]{2})*", str(callback)):
                raise ApiError(400, "details.callbackData must be 0x-prefixed hex bytes")
            return {
                "result_link": _text(
                    str(details.get("resultLink") or sched.result_link(task.task_id)), "details.resultLink"
                ),
                "callback_data": callback,
            }
        return {}

    # -- read-only views ------------------------------------------------------------------------------------------
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

    @app.get("/tasks")
    def tasks(status: str | None = None, limit: int = Query(default=500, ge=1, le=5000)):
        if status and status not in wf.TASK_STATUSES:
            raise ApiError(400, f"unknown task status {status!r}: one of {sorted(wf.TASK_STATUSES)}")
        with store.read() as s:
            q = select(Task).order_by(Task.created_at, Task.idx).limit(limit)
            if status:
                q = q.where(Task.status == status)
            return [task_view(t) for t in s.scalars(q)]

    @app.get("/tasks/{taskId}")
    def task(taskId: str):  # noqa: N803
        task_id = _task_id(taskId)
        with store.read() as s:
            t = s.get(Task, task_id)
            if t is None:
                raise ApiError(404, f"unknown task {task_id}")
            view = task_view(t)
            view["replicates"] = [
                {"worker": r.worker, "status": r.status, "weight": r.weight, "resultHash": r.result_hash}
                for r in s.scalars(select(Replicate).where(Replicate.task_id == task_id))
            ]
            view["history"] = [
                {"from": h.from_status, "to": h.to_status, "cause": h.cause, "at": h.at}
                for h in s.scalars(
                    select(TaskHistory).where(TaskHistory.task_id == task_id).order_by(TaskHistory.id)
                )
            ]
            view["replicateHistory"] = [
                {
                    "worker": h.worker,
                    "from": h.from_status,
                    "to": h.to_status,
                    "by": h.modifier,
                    "cause": h.cause,
                }
                for h in s.scalars(
                    select(ReplicateHistory)
                    .where(ReplicateHistory.task_id == task_id)
                    .order_by(ReplicateHistory.id)
                )
            ]
        return view

    @app.get("/metrics", response_class=PlainTextResponse)
    def metrics():
        lines = [f"scheduler_{k} {v}" for k, v in sched.metrics.items()]
        with store.read() as s:
            alive = s.scalar(
                select(func.count()).select_from(Worker).where(Worker.last_alive > time.time() - 60)
            )
            lines.append(f"workers_alive {alive}")
            for status, n in s.execute(select(Task.status, func.count()).group_by(Task.status)):
                lines.append(f'tasks{{status="{status}"}} {n}')
            for state, n in s.execute(select(TxRecord.state, func.count()).group_by(TxRecord.state)):
                lines.append(f'transactions{{state="{state}"}} {n}')
        lines.append(f"chain_head {sched.head_number}")
        lines.append(f"process_pid {os.getpid()}")
        return "\n".join(lines) + "\n"

    # -- result store ---------------------------------------------------------------------------------------------
    @app.put("/results/{taskId}")
    async def put_result(
        taskId: str,  # noqa: N803
        request: Request,
        x_result_digest: str | None = Header(default=None),
        wallet: str = Depends(current_worker),
    ):
        task_id = _task_id(taskId)
        if not x_result_digest or not _TASK_ID.match(x_result_digest):
            raise ApiError(400, "header X-Result-Digest must be the 0x-prefixed 32-byte result digest")
        with store.read() as s:
            t = s.get(Task, task_id)
        if t is None:
            raise ApiError(404, f"unknown task {task_id}")
        if (t.uploader or "") != wallet:
            raise ApiError(403, f"{wallet} is not the elected uploader of task {task_id}")
        onchain = sched.chain.view_task(bytes.fromhex(task_id[2:]))["resultDigest"]
        if x_result_digest.lower() != "0x" + bytes(onchain).hex():
            raise ApiError(409, "X-Result-Digest differs from the digest revealed on chain for this task")
        body = await request.body()
        if not body:
            raise ApiError(400, "empty result body")
        if len(body) > MAX_RESULT_BYTES:
            raise ApiError(413, f"result larger than {MAX_RESULT_BYTES} bytes")
        sha = hashlib.sha256(body).hexdigest()
        path = results_dir / sha
        if not path.exists():  # content-addressed: write once, atomically
            tmp = results_dir / f".{sha}.{secrets.token_hex(4)}"
            tmp.write_bytes(body)
            os.replace(tmp, path)
        with store.tx() as s:
            store.upsert(
                s,
                Result,
                task_id=task_id,
                sha256=sha,
                digest=x_result_digest.lower(),
                size=len(body),
                uploaded_by=wallet,
                at=time.time(),
            )
        return {"location": f"/results/{task_id}", "sha256": sha}

    @app.head("/results/{taskId}")
    def head_result(taskId: str, request: Request):  # noqa: N803
        return get_result(taskId, request)

    @app.get("/results/{taskId}")
    def get_result(taskId: str, request: Request):  # noqa: N803
        task_id = _task_id(taskId)
        with store.read() as s:
            row = s.get(Result, task_id)
        if row is None or not (results_dir / row.sha256).exists():
            raise ApiError(404, f"no result stored for task {task_id}")
        headers = {
            "X-Result-Sha256": row.sha256,
            "X-Result-Digest": row.digest,
            "Content-Length": str(row.size),
        }
        if request.method == "HEAD":
            return Response(status_code=200, headers=headers, media_type="application/zip")
        return Response(
            (results_dir / row.sha256).read_bytes(), media_type="application/zip", headers=headers
        )

    app.state.scheduler = sched
    return app
