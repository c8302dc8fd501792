"""Scheduler HTTP API: the worker flow over a scripted chain, and bad input that must change nothing."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from fixtures.scheduler import POOL_KEY, WORKER_KEYS, add_task, login
from sqlalchemy import func, select

from offchain.protocol import constants as C
from offchain.protocol import hashing
from offchain.protocol import workflow as wf
from offchain.scheduler.store import Replicate, ReplicateHistory, Task, TaskHistory

JSON = {"Content-Type": "application/json"}
W0, W1, W2 = (Account.from_key(k).address for k in WORKER_KEYS[:3])


def snapshot(store):
    """Everything a refused request must leave untouched."""
    with store.read() as s:
        return (
            s.scalars(select(Task.status).order_by(Task.task_id)).all(),
            s.execute(select(Replicate.task_id, Replicate.worker, Replicate.status)).all(),
            s.scalar(select(func.count()).select_from(TaskHistory)),
            s.scalar(select(func.count()).select_from(ReplicateHistory)),
        )


def test_login_register_ping_config(scheduler_api):
    client, sched, _store, chain = scheduler_api
    headers = login(client, WORKER_KEYS[0])
    session = client.post("/workers/ping", headers=headers).json()["sessionId"]
    assert session == client.post("/workers/ping", headers=headers).json()["sessionId"]
    config = client.get("/workers/config", headers=headers).json()
    assert config["workerpool"] == sched.pool
    assert config["chainId"] == chain.chain_id
    assert set(config) == {"chainId", "hub", "workerpool", "scheduler", "resultStoreUrl", "askForWorkPeriod"}


def test_offer_carries_a_pool_signed_authorization(scheduler_api):
    client, _sched, store, _chain = scheduler_api
    task_id = add_task(store, _chain)
    headers = login(client, WORKER_KEYS[0])
    reply = client.get("/replicates/available", params={"blockNumber": 5}, headers=headers)
    assert reply.status_code == 200
    offer = reply.json()
    assert offer["taskId"] == task_id
    message = encode_defunct(primitive=hashing.authorization_hash(W0, task_id))
    signer = Account.recover_message(message, signature=bytes.fromhex(offer["authorizationSign"][2:]))
    assert signer == Account.from_key(POOL_KEY).address


def test_trust_4_asks_for_two_fresh_workers_then_stops(scheduler_api):
    client, _sched, store, chain = scheduler_api
    task_id = add_task(store, chain, trust=4)
    offers = [
        client.get("/replicates/available", params={"blockNumber": 1}, headers=login(client, k))
        for k in WORKER_KEYS[:3]
    ]
    assert [o.status_code for o in offers] == [200, 200, 204]
    assert offers[0].json()["taskId"] == offers[1].json()["taskId"] == task_id


def test_full_replicate_flow_with_next_actions(scheduler_api):
    client, sched, store, chain = scheduler_api
    task_id = add_task(store, chain, trust=1)
    headers = login(client, WORKER_KEYS[0])
    assert client.get("/replicates/available", params={"blockNumber": 1}, headers=headers).status_code == 200

    def report(status, **details):
        return client.post(
            f"/replicates/{task_id}/updateStatus",
            json={"status": status, "details": details},
            headers=headers,
        )

    assert report("STARTED").json()["nextAction"] == wf.PLEASE_CONTINUE
    assert report("COMPUTED").json()["nextAction"] == wf.PLEASE_CONTRIBUTE
    # CONTRIBUTED is only believed once the chain shows it
    refused = report("CONTRIBUTED", txHash="0x01")
    assert refused.status_code == 409 and "on chain" in refused.json()["error"]
    h = hashing.result_hash(task_id, b"\x07" * 32)
    chain.contributions[(task_id, W0)] = {"status": C.CONTRIBUTION_CONTRIBUTED, "resultHash": h}
    assert report("CONTRIBUTED").json()["nextAction"] == wf.PLEASE_WAIT
    again = report("CONTRIBUTED")
    assert again.status_code == 208 and again.json()["nextAction"] == wf.PLEASE_WAIT
    # consensus on chain -> the winner is told to reveal
    with store.tx() as s:
        store.set_task_status(s, task_id, wf.INITIALIZED, wf.CONSENSUS_REACHED, consensus="0x" + h.hex())
    poll = report("CONTRIBUTED")
    assert poll.status_code == 208 and poll.json()["nextAction"] == wf.PLEASE_REVEAL
    chain.contributions[(task_id, W0)]["status"] = C.CONTRIBUTION_PROVED
    assert report("REVEALED").json()["nextAction"] == wf.PLEASE_WAIT
    with store.tx() as s:
        store.set_task_status(s, task_id, wf.CONSENSUS_REACHED, wf.AT_LEAST_ONE_REVEALED)
    sched.lifecycle.elect_uploader(task_id)
    assert report("REVEALED").json()["nextAction"] == wf.PLEASE_UPLOAD
    # upload: the digest must be the one revealed on chain
    chain.tasks[task_id] = {"resultDigest": b"\x07" * 32}
    wrong = client.put(
        f"/results/{task_id}", content=b"zip", headers={**headers, "X-Result-Digest": "0x" + "08" * 32}
    )
    assert wrong.status_code == 409
    put = client.put(
        f"/results/{task_id}", content=b"zip-bytes", headers={**headers, "X-Result-Digest": "0x" + "07" * 32}
    )
    assert put.status_code == 200 and put.json()["location"] == f"/results/{task_id}"
    assert client.get(f"/results/{task_id}").content == b"zip-bytes"
    assert client.head(f"/results/{task_id}").status_code == 200
    assert report("RESULT_UPLOADED", resultLink="x").json()["nextAction"] == wf.PLEASE_WAIT
    interrupted = client.get("/replicates/interrupted", headers=headers).json()
    assert interrupted == [{"taskId": task_id, "nextAction": wf.PLEASE_WAIT, "extra": {}}]
    view = client.get(f"/tasks/{task_id}").json()
    assert view["replicates"][0]["status"] == wf.R_RESULT_UPLOADED
    assert 'tasks{status="RESULT_UPLOADING"} 1' in client.get("/metrics").text


# --- bad input: a 4xx with a clear message, and nothing changes -----------------------------------------------------


@pytest.mark.parametrize(
    "method, path, kwargs, code, words",
    [
        ("get", "/workers/challenge", {"params": {"walletAddress": "nope"}}, 400, "not an Ethereum address"),
        (
            "post",
            "/workers/login",
            {"params": {"walletAddress": W1}, "content": b"{garbage", "headers": JSON},
            400,
            "not valid JSON",
        ),
        (
            "post",
            "/workers/login",
            {"params": {"walletAddress": W1}, "json": {"signature": "0x" + "00" * 65}},
            401,
            "challenge",
        ),
        ("post", "/workers/register", {"json": {"cpuCount": 1}}, 401, "bearer token"),
        (
            "get",
            "/replicates/available",
            {"headers": {"Authorization": "Bearer forged"}},
            401,
            "unknown or expired",
        ),
        ("get", "/tasks/0x1234", {}, 400, "not a task id"),
        ("get", "/tasks/0x" + "ab" * 32, {}, 404, "unknown task"),
        ("get", "/results/0x" + "ab" * 32, {}, 404, "no result"),
    ],
)
def test_bad_requests_without_a_session(scheduler_api, method, path, kwargs, code, words):
    client, _sched, store, chain = scheduler_api
    add_task(store, chain)
    before = snapshot(store)
    reply = getattr(client, method)(path, **kwargs)
    assert reply.status_code == code
    assert words in reply.json()["error"]
    assert snapshot(store) == before


def test_wrong_signature_is_refused(scheduler_api):
    client, _sched, store, _chain = scheduler_api
    challenge = client.get("/workers/challenge", params={"walletAddress": W1}).json()["challenge"]
    other = Account.sign_message(
        encode_defunct(primitive=bytes.fromhex(challenge[2:])), WORKER_KEYS[2]
    ).signature
    reply = client.post(
        "/workers/login", params={"walletAddress": W1}, json={"signature": "0x" + other.hex()}
    )
    assert reply.status_code == 401 and "does not match" in reply.json()["error"]
    malformed = client.post("/workers/login", params={"walletAddress": W1}, json={"signature": "0xzz"})
    assert malformed.status_code in (400, 401)


def test_bad_status_reports_change_nothing(scheduler_api):
    client, _sched, store, chain = scheduler_api
    mine = add_task(store, chain, idx=0, trust=1)
    other = add_task(store, chain, idx=1, trust=1)
    headers = login(client, WORKER_KEYS[0])
    assert (
        client.get("/replicates/available", params={"blockNumber": 1}, headers=headers).json()["taskId"]
        == mine
    )
    before = snapshot(store)
    cases = [
        (mine, b"not json", 400, "not valid JSON"),
        (mine, {"status": "HACKED"}, 400, "is not one a worker may report"),
        (mine, {"details": {}}, 400, "status"),
        (other, {"status": "STARTED"}, 403, "was not given to"),
        ("0x" + "ab" * 32, {"status": "STARTED"}, 404, "unknown task"),
        ("zzz", {"status": "STARTED"}, 400, "not a task id"),
        (mine, {"status": "REVEALED"}, 409, "cannot go from CREATED to REVEALED"),
        (mine, {"status": "CONTRIBUTED"}, 409, "on chain"),
    ]
    for task_id, body, code, words in cases:
        kwargs = (
            {"content": body, "headers": {**headers, **JSON}} if isinstance(body, bytes) else {"json": body}
        )
        reply = client.post(f"/replicates/{task_id}/updateStatus", **{"headers": headers, **kwargs})
        assert reply.status_code == code, (body, reply.text)
        assert words in reply.json()["error"], (body, reply.text)
    assert snapshot(store) == before
    # a stranger cannot upload, nor can the worker before being elected
    stranger = login(client, WORKER_KEYS[1])
    for hdrs in (stranger, headers):
        put = client.put(
            f"/results/{mine}", content=b"x", headers={**hdrs, "X-Result-Digest": "0x" + "00" * 32}
        )
        assert put.status_code == 403 and "not the elected uploader" in put.json()["error"]
    bad_digest = client.put(f"/results/{mine}", content=b"x", headers={**headers, "X-Result-Digest": "12"})
    assert bad_digest.status_code == 400
    assert snapshot(store) == before


def test_unregistered_worker_gets_no_work(scheduler_api):
    client, _sched, store, chain = scheduler_api
    add_task(store, chain)
    headers = login(client, WORKER_KEYS[0], register=False)
    reply = client.get("/replicates/available", params={"blockNumber": 1}, headers=headers)
    assert reply.status_code == 403 and "register first" in reply.json()["error"]
    assert client.get("/replicates/available", params={"blockNumber": -1}, headers=headers).status_code == 400


def test_challenge_is_single_use(scheduler_api):
    client, _sched, _store, _chain = scheduler_api
    challenge = client.get("/workers/challenge", params={"walletAddress": W0}).json()["challenge"]
    sig = Account.sign_message(
        encode_defunct(primitive=bytes.fromhex(challenge[2:])), WORKER_KEYS[0]
    ).signature
    body = {"signature": "0x" + sig.hex()}
    assert client.post("/workers/login", params={"walletAddress": W0}, json=body).status_code == 200
    replay = client.post("/workers/login", params={"walletAddress": W0}, json=body)
    assert replay.status_code == 401


def test_openapi_is_served(scheduler_api):
    client = scheduler_api[0]
    paths = client.get("/openapi.json").json()["paths"]
    assert "/replicates/{taskId}/updateStatus" in paths and "/results/{taskId}" in paths


def test_no_work_and_no_reports_while_the_chain_node_is_lost(scheduler_api):
    client, sched, store, chain = scheduler_api
    task_id = add_task(store, chain)
    headers = login(client, WORKER_KEYS[0])
    sched.clock.advance(60)  # no successful head poll for a minute: out of service
    before = snapshot(store)
    reply = client.get("/replicates/available", params={"blockNumber": 1}, headers=headers)
    assert reply.status_code == 503 and "lost its chain node" in reply.json()["error"]
    report = client.post(f"/replicates/{task_id}/updateStatus", json={"status": "STARTED"}, headers=headers)
    assert report.status_code in (403, 503)
    assert snapshot(store) == before


def test_a_token_expires_after_a_day(scheduler_api):
    from offchain.scheduler.api.workers import TOKEN_TTL

    client, sched, _store, _chain = scheduler_api
    headers = login(client, WORKER_KEYS[0])
    sched.clock.advance(TOKEN_TTL)
    assert client.get("/workers/config", headers=headers).status_code == 200
    sched.clock.advance(1)
    reply = client.get("/workers/config", headers=headers)
    assert reply.status_code == 401 and "expired" in reply.json()["error"]


def test_a_worker_silent_past_the_limit_is_lost(scheduler_api):
    client, sched, store, chain = scheduler_api
    task_id = add_task(store, chain, trust=1)
    headers = login(client, WORKER_KEYS[0])
    assert client.get("/replicates/available", params={"blockNumber": 1}, headers=headers).status_code == 200
    sched.clock.advance(sched.cfg.worker_lost_after)  # silent exactly as long as allowed: still working
    sched.lifecycle.detectors.lost_workers()
    with store.read() as s:
        assert s.get(Replicate, (task_id, W0)).status == wf.CREATED
    sched.clock.advance(1)
    sched.lifecycle.detectors.lost_workers()
    with store.read() as s:
        assert s.get(Replicate, (task_id, W0)).status == wf.WORKER_LOST


@pytest.mark.parametrize(
    "method, path, kwargs, words",
    [
        (
            "post",
            "/workers/register",
            {"json": {"name": "w\x00", "cpuCount": 1}},
            "name must not contain NUL",
        ),
        ("get", "/tasks", {"params": {"status": "NOPE"}}, "unknown task status 'NOPE'"),
        ("get", "/tasks", {"params": {"status": "RUNNING\x00"}}, "unknown task status"),
    ],
)
def test_text_the_database_cannot_hold_is_refused(scheduler_api, method, path, kwargs, words):
    """PostgreSQL text cannot hold NUL characters (SQLite can): both back ends answer 400 and change nothing."""
    client, _sched, store, chain = scheduler_api
    add_task(store, chain)
    headers = login(client, WORKER_KEYS[0])
    before = snapshot(store)
    reply = getattr(client, method)(path, headers=headers, **kwargs)
    assert reply.status_code == 400 and words in reply.json()["error"], reply.text
    assert snapshot(store) == before


def test_a_report_with_a_nul_in_its_error_is_refused(scheduler_api):
    client, _sched, store, chain = scheduler_api
    task_id = add_task(store, chain, trust=1)
    headers = login(client, WORKER_KEYS[0])
    assert client.get("/replicates/available", params={"blockNumber": 1}, headers=headers).status_code == 200
    before = snapshot(store)
    body = {"status": "STARTED", "details": {"error": "bad\x00byte"}}
    reply = client.post(f"/replicates/{task_id}/updateStatus", json=body, headers=headers)
    assert reply.status_code == 400 and "details.error must not contain NUL" in reply.json()["error"]
    assert snapshot(store) == before


def test_two_schedulers_sharing_a_database_apply_each_change_once(scheduler_api, db_url, tmp_path):
    """Two scheduler instances (own connection pool, own locks: two processes) on one database, hammered at once:
    a worker asking both for work gets one replicate, and of eight identical reports exactly one is applied (200)
    while the others learn the winner's state (208)."""
    from fastapi.testclient import TestClient

    from offchain.scheduler.api import create_app
    from offchain.scheduler.config import Config
    from offchain.scheduler.loop import Scheduler
    from offchain.scheduler.store import Store

    client_a, sched_a, store_a, chain = scheduler_api
    store_b = Store(db_url, clock=sched_a.clock)  # one time for both, as on one machine
    cfg = Config(workerpool=sched_a.cfg.workerpool, private_key=POOL_KEY, results_dir=tmp_path / "results-b")
    sched_b = Scheduler(cfg, store_b, chain, sender=None)
    sched_b.last_head_ok = sched_a.last_head_ok
    task_id = add_task(store_a, chain, trust=1)
    headers = login(client_a, WORKER_KEYS[0])  # the token lives in the shared database: B knows it too
    chain.view_delay = 0.05  # both instances read "no replicate yet" before either writes
    try:
        with TestClient(create_app(sched_b)) as client_b:
            clients = [client_a, client_b] * 4
            barrier = threading.Barrier(len(clients))

            def ask(client):
                barrier.wait(timeout=20)
                return client.get("/replicates/available", params={"blockNumber": 1}, headers=headers)

            with ThreadPoolExecutor(len(clients)) as pool:
                codes = sorted(r.status_code for r in pool.map(ask, clients))
            assert codes == [200] + [204] * (len(clients) - 1)

            def report(status, **details):
                return client_a.post(
                    f"/replicates/{task_id}/updateStatus",
                    json={"status": status, "details": details},
                    headers=headers,
                )

            chain.view_delay = 0.0
            assert report("STARTED").status_code == 200 and report("COMPUTED").status_code == 200
            h = hashing.result_hash(task_id, b"\x07" * 32)
            chain.contributions[(task_id, W0)] = {"status": C.CONTRIBUTION_CONTRIBUTED, "resultHash": h}
            chain.view_delay = 0.05  # every report is checked against the chain before its CAS

            def contributed(client):
                barrier.wait(timeout=20)
                return client.post(
                    f"/replicates/{task_id}/updateStatus", json={"status": "CONTRIBUTED"}, headers=headers
                )

            with ThreadPoolExecutor(len(clients)) as pool:
                replies = list(pool.map(contributed, clients))
            assert sorted(r.status_code for r in replies) == [200] + [208] * (len(clients) - 1)
            assert {r.json()["nextAction"] for r in replies} == {wf.PLEASE_WAIT}
    finally:
        store_b.close()
    with store_a.read() as s:
        history = s.scalars(
            select(ReplicateHistory.to_status)
            .where(ReplicateHistory.task_id == task_id)
            .order_by(ReplicateHistory.id)
        ).all()
        rep = s.get(Replicate, (task_id, W0))
    assert history == [wf.CREATED, wf.STARTED, wf.COMPUTED, wf.CONTRIBUTED]
    assert rep.status == wf.CONTRIBUTED and rep.result_hash == "0x" + h.hex()
