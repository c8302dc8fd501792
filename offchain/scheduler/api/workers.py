"""Worker sessions: login by a signed challenge (bearer token), configuration, registration, pings."""

from __future__ import annotations

import secrets

from eth_account import Account
from eth_account.messages import encode_defunct
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from offchain.scheduler.errors import Refused, clean_text
from offchain.scheduler.store import Challenge, Worker
from offchain.scheduler.store import queries as q

from .deps import SchedulerDep, WorkerDep
from .errors import wallet_param

CHALLENGE_TTL = 300.0
TOKEN_TTL = 24 * 3600.0

router = APIRouter(prefix="/workers")


class LoginBody(BaseModel):
    signature: str = Field(min_length=4, max_length=200)


class RegisterBody(BaseModel):
    name: str = Field(default="", max_length=128)
    cpuCount: int = Field(default=1, ge=1, le=1024)
    teeEnabled: bool = False


@router.get("/challenge")
def challenge(sched: SchedulerDep, walletAddress: str | None = Query(default=None)):  # noqa: N803
    wallet = wallet_param(walletAddress)
    value = "0x" + secrets.token_bytes(32).hex()
    expires = sched.clock.time() + CHALLENGE_TTL
    with sched.store.tx() as s:
        sched.store.upsert(s, Challenge, wallet=wallet, challenge=value, expires_at=expires)
    return {"challenge": value}


@router.post("/login")
def login(
    body: LoginBody,
    sched: SchedulerDep,
    walletAddress: str | None = Query(default=None),  # noqa: N803 (API name)
):
    wallet = wallet_param(walletAddress)
    now = sched.clock.time()
    with sched.store.tx() as s:
        challenge_hex = q.take_challenge(s, wallet, now)
        if challenge_hex is None:
            raise Refused(401, "no valid challenge for this wallet: ask /workers/challenge first")
        _check_signature(
            challenge_hex, body.signature, wallet
        )  # refused: the transaction keeps the challenge
        token = secrets.token_hex(32)
        q.add_token(s, token, wallet, now + TOKEN_TTL)
        sched.store.insert_new(s, Worker, wallet=wallet, last_alive=now)
    return {"token": token}


def _check_signature(challenge_hex: str, signature: str, wallet: str) -> None:
    try:
        signer = Account.recover_message(
            encode_defunct(primitive=bytes.fromhex(challenge_hex[2:])), signature=signature
        )
    except Exception as exc:
        raise Refused(401, "signature is malformed") from exc
    if signer != wallet:
        raise Refused(401, "signature does not match the wallet address")


@router.get("/config")
def config(wallet: WorkerDep, sched: SchedulerDep):
    return {
        "chainId": sched.chain.chain_id,
        "hub": sched.chain.hub_address,
        "workerpool": sched.pool,
        "scheduler": sched.sender.address if sched.sender else None,
        "resultStoreUrl": sched.cfg.public_url,
        "askForWorkPeriod": sched.cfg.ask_period,
    }


@router.post("/register")
def register(body: RegisterBody, wallet: WorkerDep, sched: SchedulerDep):
    name = clean_text(body.name, "name")
    with sched.store.tx() as s:
        w = q.touch_worker(s, wallet, sched.clock.time())
        w.name, w.cpu_count, w.tee_enabled, w.registered = name, body.cpuCount, body.teeEnabled, True
    return {"ok": True}


@router.post("/ping")
def ping(wallet: WorkerDep, sched: SchedulerDep):
    with sched.store.tx() as s:
        q.touch_worker(s, wallet, sched.clock.time())
    return {"sessionId": sched.store.session_id()}
