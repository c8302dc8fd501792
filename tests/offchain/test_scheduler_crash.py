"""Crash recovery: the real scheduler process is SIGKILLed at random moments while workers drive a replicated bag of
tasks; after each restart it must lose no task and never send a transaction the contract rejects, and once restarted
after the last kill its database must converge on the chain."""

import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from brownie import web3
from fixtures.scheduler import SimWorker, dev_key

from offchain.protocol import constants as C
from offchain.protocol.hashing import task_id as make_task_id
from offchain.scheduler.store import Store, Task

pytestmark = pytest.mark.usefixtures("core_contracts")  # a build without the contracts fails here, loudly


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Other checkouts may run this test at the same time: a fixed port would make them talk to each other's scheduler.
PORT = int(os.environ.get("SCHEDULER_TEST_PORT") or _free_port())
REPO = Path(__file__).resolve().parents[2]
KILLS = 10  # SIGKILLs per run (the issue asks for at least 10)
VOLUME = 8


def start(args, log):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=REPO)
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"scheduler exited with {proc.returncode}; see {log.name}")
        try:
            metrics = httpx.get(f"http://127.0.0.1:{PORT}/metrics", timeout=1)
            if metrics.status_code == 200 and f"process_pid {proc.pid}\n" in metrics.text:
                return proc  # ready, and it is our process answering (not another test's)
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise AssertionError("scheduler did not start within 30 s")


def wait_for(condition, timeout: float, what: str) -> None:
    """Poll `condition` until it holds; fail after `timeout` seconds naming what never happened."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what} within {timeout:.0f} s")
        time.sleep(0.1)


def db_statuses(db_url: str) -> list[str]:
    store = Store(db_url)
    try:
        with store.read() as s:
            return [t.status for t in s.query(Task).all()]
    finally:
        store.close()


def test_sigkill_at_random_points_loses_nothing(
    tmp_path, db_url, pool_deal, pool_market, workers, deposit, hub, scheduler
):
    for w in workers[:4]:
        deposit(w, 100 * 10**9)
    start_block = web3.eth.block_number
    deal_id = pool_deal(volume=VOLUME, trust=4)
    key_file = tmp_path / "pool.key"
    key_file.write_text(dev_key(scheduler))
    args = [
        sys.executable, "-m", "offchain.scheduler",
        "--rpc", web3.provider.endpoint_uri,
        "--key-file", str(key_file),
        "--workerpool", pool_market.workerpool.address,
        "--hub", hub.address,
        "--db", db_url,
        "--port", str(PORT),
        "--results-dir", str(tmp_path / "results"),
        "--poll-interval", "0.1",
        "--start-block", str(start_block),
    ]  # fmt: skip
    rng = random.Random(20261122)
    http = httpx.Client(base_url=f"http://127.0.0.1:{PORT}", timeout=10)
    sims = [SimWorker(http, w, hub, capacity=2) for w in workers[:4]]
    task_ids = ["0x" + make_task_id(deal_id, i).hex() for i in range(VOLUME)]
    kills = 0
    with open(tmp_path / "scheduler.log", "ab") as log:
        proc = start(args, log)
        next_kill = time.time() + rng.uniform(0.05, 0.7)
        deadline = time.time() + 300
        try:
            while time.time() < deadline:
                done = all(hub.viewTask(t)["status"] == C.TASK_COMPLETED for t in task_ids)
                if done and kills >= KILLS:
                    break
                for sim in sims:
                    try:
                        sim.step()
                    except httpx.HTTPError:
                        pass  # the scheduler is down: retry on the next round
                if kills < KILLS and time.time() >= next_kill:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()
                    kills += 1
                    proc = start(args, log)
                    next_kill = time.time() + rng.uniform(0.05, 0.7)
                time.sleep(0.02)
            assert kills >= KILLS
            assert [hub.viewTask(t)["status"] for t in task_ids] == [C.TASK_COMPLETED] * VOLUME, log.name
            # This last kill hits as the chain shows the last completion, maybe before the scheduler recorded it:
            # restarted, it must catch up from the chain alone.
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            proc = start(args, log)
            wait_for(
                lambda: db_statuses(db_url) == ["COMPLETED"] * VOLUME,
                60,
                f"the restarted scheduler's database did not show the {VOLUME} tasks COMPLETED (see {log.name})",
            )
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
    # Every transaction the scheduler ever sent succeeded: none was sent twice or against a stale state.
    sent = []
    for number in range(start_block, web3.eth.block_number + 1):
        for tx in web3.eth.get_block(number, full_transactions=True)["transactions"]:
            if tx["from"] == scheduler.address and tx["to"] == hub.address:
                sent.append(web3.eth.get_transaction_receipt(tx["hash"])["status"])
    assert sent and all(status == 1 for status in sent)
    assert len(sent) <= VOLUME + 1 + 8  # finalizes + initializes (batches may split across restarts)
    assert db_statuses(db_url) == ["COMPLETED"] * VOLUME
