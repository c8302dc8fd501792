"""Schemathesis against the scheduler's OpenAPI, served by uvicorn: generated requests (valid and invalid) to every
operation, logged in as a registered worker, within a bounded budget; no reply may be a 5xx.

Schemathesis needs hypothesis >= 6.130 while brownie pins 6.27.3, so it runs from its own virtualenv
(.venv-schemathesis, installed by `make setup` from requirements-schemathesis.lock) against the live server."""

import os
import re
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from fixtures.scheduler import POOL_KEY, WORKER_KEYS, FakeChain, add_task, login

from offchain.http.service import harden
from offchain.scheduler.api import MAX_RESULT_BYTES, create_app
from offchain.scheduler.engine import Config, Scheduler
from offchain.scheduler.store import Store

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = ROOT / ".venv-schemathesis" / "bin" / "schemathesis"
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
BUDGET = 90  # seconds for the whole run (schemathesis stops generating 30 s before)


def scheduler_app(tmp_path, hardened: bool):
    store = Store(f"sqlite:///{tmp_path / 'scheduler.db'}")
    chain = FakeChain()
    cfg = Config(workerpool="0x" + "ee" * 20, private_key=POOL_KEY, results_dir=tmp_path / "results")
    sched = Scheduler(cfg, store, chain, sender=None)
    sched.last_head_ok = time.monotonic() + 3600  # a healthy node for the whole run
    add_task(store, chain)
    app = create_app(sched)
    if hardened:
        harden(app, route_limits={"PUT /results/{taskId}": MAX_RESULT_BYTES})
    return app, store


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
