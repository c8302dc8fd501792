"""The scheduler app with the shared HTTP layers (`harden`, one line): the probed defects are gone (a 1 GB body to
the login, 405 without Allow, 500 on a node outage, no 4xx in the OpenAPI), and Schemathesis against its OpenAPI,
served by uvicorn: generated requests (valid and invalid) to every operation, logged in as a registered worker,
within a bounded budget; no reply may be a 5xx.

Schemathesis needs hypothesis >= 6.130 while brownie pins 6.27.3, so it runs from its own virtualenv
(.venv-schemathesis, installed by `make setup` from requirements-schemathesis.lock) against the live server."""

import os
import re
import socket
import subprocess
import threading
from pathlib import Path

import pytest
import uvicorn
from eth_account import Account
from fastapi.testclient import TestClient
from fixtures.scheduler import POOL_KEY, WORKER_KEYS, FakeChain, add_task, login

from offchain.chain.errors import NodeUnavailable
from offchain.http.service import harden
from offchain.scheduler.api import create_app
from offchain.scheduler.config import Config
from offchain.scheduler.loop import Scheduler
from offchain.scheduler.results import MAX_RESULT_BYTES
from offchain.scheduler.store import Store, Task

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = ROOT / ".venv-schemathesis" / "bin" / "schemathesis"
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
BUDGET = 90  # seconds for the whole run (schemathesis stops generating 30 s before)


def scheduler_app(tmp_path, hardened: bool):
    store = Store(f"sqlite:///{tmp_path / 'scheduler.db'}")
    chain = FakeChain()
    cfg = Config(workerpool="0x" + "ee" * 20, private_key=POOL_KEY, results_dir=tmp_path / "results")
    sched = Scheduler(cfg, store, chain, sender=None)
    sched.last_head_ok = sched.clock.monotonic() + 3600  # a healthy node for the whole run
    task_id = add_task(store, chain)
    app = create_app(sched)
    if hardened:
        harden(app, route_limits={"PUT /results/{taskId}": MAX_RESULT_BYTES})
    app.state.test_task, app.state.test_chain = task_id, chain
    return app, store


def test_the_probed_defects_are_answered_once_hardened(tmp_path):
    app, store = scheduler_app(tmp_path, hardened=True)
    with TestClient(app, raise_server_exceptions=False) as client:
        headers = login(client, WORKER_KEYS[0])
        r = client.post(
            "/workers/login",
            params={"walletAddress": "0x" + "11" * 20},
            headers={"Content-Length": str(10**9)},
        )
        assert r.status_code == 413 and "1000000000 bytes is larger than the 1048576" in r.json()["error"]
        r = client.delete("/workers/login")
        assert (r.status_code, r.headers["allow"]) == (405, "POST")

        def node_down(*_):
            raise NodeUnavailable("eth_call: connection refused after 5 attempt(s) in 3.1 s")

        app.state.test_chain.view_task = node_down
        task_id = app.state.test_task
        with store.tx() as s:
            s.get(Task, task_id).uploader = Account.from_key(WORKER_KEYS[0]).address
        r = client.put(
            f"/results/{task_id}", content=b"zip", headers={**headers, "X-Result-Digest": "0x" + "00" * 32}
        )
        assert (r.status_code, r.headers["retry-after"]) == (503, "5")  # was a bare 500
        assert r.json()["error"].startswith("chain node unavailable, try again later: eth_call")
        spec = client.get("/openapi.json").json()["paths"]
    assert sorted(spec["/workers/login"]["post"]["responses"]) == ["200", "400", "413", "503"]
    assert sorted(spec["/workers/config"]["get"]["responses"]) == ["200", "400", "401", "503"]
    store.close()


@pytest.fixture
def served(tmp_path, request):
    app, store = scheduler_app(tmp_path, request.param)
    with TestClient(app) as client:
        headers = login(client, WORKER_KEYS[0])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", headers
    server.should_exit = True
    thread.join(timeout=30)
    sock.close()
    store.close()


@pytest.mark.parametrize("served", [True], indirect=True, ids=["hardened"])
def test_no_request_makes_the_scheduler_answer_5xx(served, tmp_path):
    assert SCHEMATHESIS.exists(), f"{SCHEMATHESIS} missing: run `make setup`"
    url, headers = served
    cmd = [
        str(SCHEMATHESIS),
        "run",
        f"{url}/openapi.json",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        "1",
        "--max-time",
        str(BUDGET - 30),
        "--workers",
        "1",
        "--request-timeout",
        "20",
        "--wait-for-schema",
        "30",
        "--header",
        f"Authorization: {headers['Authorization']}",
        "--phases",
        "coverage,fuzzing",
        "--no-color",
        "--generation-database",
        "none",
    ]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=BUDGET, cwd=tmp_path)
    report = run.stdout[-6000:] + run.stderr[-2000:]
    assert run.returncode == 0, report
    assert re.search(r"Tested: (\d+)", run.stdout) and " generated, " in run.stdout, report
    tested = int(re.search(r"Tested: (\d+)", run.stdout).group(1))
    assert tested >= 14, report  # every operation of the scheduler was exercised
