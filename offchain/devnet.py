"""A local devnet of real processes: anvil, the deployment, one workerpool with its scheduler and N workers.

Used by `make demo` (scripts/demo.py), the e2e tests (tests/e2e) and the pipeline benchmark. Every process it starts
is remembered by PID and stopped by `stop()` (SIGTERM, then SIGKILL), also on Ctrl-C or any failure, since callers
use it as a context manager.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from eth_account import Account

from offchain.chain.client import connect
from offchain.protocol.constants import NRLC_PER_RLC as RLC
from offchain.requester.bundles import build_bundle
from offchain.requester.market import Market, dev_key

REPO = Path(__file__).resolve().parents[1]
APP_PRICE, POOL_PRICE = 1 * RLC, 5 * RLC  # per task, in the demo and the e2e tests

# Development accounts (anvil mnemonic) by role; workers take 10, 11, ...
DEPLOYER, APP_OWNER, SCHEDULER, REQUESTER, FIRST_WORKER = 0, 1, 2, 3, 10


class DevnetError(Exception):
    """Something in the devnet failed; the message is one line for the user."""


def free_port(preferred: int | None = None) -> int:
    if preferred and _port_free(preferred):
        return preferred
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _bin(name: str) -> str:
    for folder in (REPO / ".venv" / "bin", REPO / "node_modules" / ".bin"):
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if not found:
        raise DevnetError(f"{name} not found (run `make setup`)")
    return found


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.popen.poll() is None

    def tail(self, lines: int = 5) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class Devnet:
    workdir: Path
    workers: int = 4
    rpc_port: int | None = None
    sched_port: int | None = None
    rpc_url: str | None = None  # attach to this chain instead of starting anvil (e2e tests under brownie)
    hub: str | None = None  # use this deployment instead of deploying
    worker_lost_after: float = 10.0
    procs: dict[str, Proc] = field(default_factory=dict)

    # -- life cycle -----------------------------------------------------------------------------------------------
    def __enter__(self):
        self.workdir = Path(self.workdir).resolve()
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "logs").mkdir(exist_ok=True)
        return self

    def __exit__(self, *exc):
        self.stop()

    def spawn(self, name: str, cmd: list[str], env: dict | None = None) -> Proc:
        log = self.workdir / "logs" / f"{name}.log"
        full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        with open(log, "ab") as f:
            popen = subprocess.Popen(
                cmd, stdout=f, stderr=subprocess.STDOUT, env=full_env, cwd=REPO, start_new_session=True
            )
        proc = Proc(name, popen, log)
        self.procs[name] = proc
        return proc

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Stop one process by its PID (and its process group, which it leads)."""
        proc = self.procs.get(name)
        if proc is None or not proc.alive():
            return
        try:
            os.killpg(proc.popen.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.popen.pid, signal.SIGKILL)
            proc.popen.wait()

    def stop(self) -> None:
        """Stop everything this devnet started: workers, then the scheduler, then the chain."""
        order = sorted(self.procs, key=lambda n: (n == "anvil", n == "scheduler"))
        for name in order:
            self.kill(name, signal.SIGTERM)

    def check_alive(self, *names: str) -> None:
        for name in names or list(self.procs):
            proc = self.procs[name]
            if not proc.alive():
                raise DevnetError(f"{name} exited with code {proc.popen.returncode}: {proc.tail(1)}")

    def _forget_previous_chain(self) -> None:
        """A new chain starts empty: the scheduler database, results, worker states and logs that an earlier run
        left in the folder belong to a chain that is gone (the scheduler would refuse that database anyway)."""
        for path in self.workdir.glob("scheduler.sqlite*"):
            path.unlink()
        for path in [self.workdir / "results", *self.workdir.glob("worker*")]:
            if path.is_dir():
                shutil.rmtree(path)
        for path in (self.workdir / "logs").glob("*.log"):
            path.unlink()

    # -- chain ----------------------------------------------------------------------------------------------------
    def start_chain(self) -> None:
        if self.rpc_url:
            return
        self._forget_previous_chain()
        self.rpc_port = free_port(self.rpc_port)
        self.rpc_url = f"http://127.0.0.1:{self.rpc_port}"
        # Mixed mining: transactions are mined at once, and an empty block comes every second while idle, so chain
        # time moves like a real chain's. With on-demand mining alone, a deadline that nobody sends a transaction
        # past never arrives (every pre-flight sees the old head's timestamp).
        self.spawn(
            "anvil",
            [
                _bin("anvil"), "--port", str(self.rpc_port), "--accounts", "30", "--block-base-fee-per-gas", "0",
                "--gas-limit", "30000000", "--block-time", "1", "--mixed-mining", "--silent",
            ],
        )  # fmt: skip
        _wait(lambda: _rpc_up(self.rpc_url), 20, "anvil did not start")

    def deploy(self) -> str:
        """Deploy with scripts/deploy.py (brownie attaches to our anvil through BROWNIE_PORT); returns the hub."""
        if self.hub:
            return self.hub
        before = time.time()
        proc = subprocess.run(
            # not `brownie run`: it cannot import a script when a parent folder's name has a dot
            [_bin("python"), str(REPO / "tools" / "brownie_run.py"), "scripts/deploy.py"],
            cwd=REPO,
            env={**os.environ, "BROWNIE_PORT": str(self.rpc_port)},
            capture_output=True,
            text=True,
            timeout=600,
        )
        (self.workdir / "logs" / "deploy.log").write_text(proc.stdout + proc.stderr)
        if proc.returncode != 0:
            last = (proc.stdout + proc.stderr).strip().splitlines()[-1:] or ["no output"]
            raise DevnetError(f"deployment failed: {last[0]}")
        w3 = connect(self.rpc_url)
        path = REPO / "deployments" / f"{w3.eth.chain_id}.json"
        if not path.exists() or path.stat().st_mtime < before - 1:
            raise DevnetError(f"deployment wrote no {path}")
        self.hub = json.loads(path.read_text())["hub"]
        return self.hub

    # -- parties --------------------------------------------------------------------------------------------------
    def market(self) -> Market:
        return Market(connect(self.rpc_url), self.hub)

    def setup_pool(
        self, market: Market, worker_deposit: int = 100 * RLC, requester_deposit: int = 1000 * RLC
    ):
        """Workerpool owned by SCHEDULER; RLC from DEPLOYER to every party, deposited on the hub."""
        self.pool = market.create_workerpool(dev_key(SCHEDULER), "devnet pool")
        deployer = dev_key(DEPLOYER)
        deposits = [(REQUESTER, requester_deposit), (SCHEDULER, 100 * RLC)]
        deposits += [(FIRST_WORKER + i, worker_deposit) for i in range(self.workers)]
        for index, amount in deposits:
            key = dev_key(index)
            market.transfer_rlc(deployer, Account.from_key(key).address, amount)
            market.deposit(key, amount)
        return self.pool

    def publish_app(self, market: Market, name: str) -> str:
        bundle, checksum = build_bundle(name, self.workdir / "bundles")
        return market.create_app(dev_key(APP_OWNER), name, str(bundle), checksum)

    def start_scheduler(self, extra: list[str] | None = None) -> None:
        self.sched_port = free_port(self.sched_port)
        key_file = self._key_file("scheduler", dev_key(SCHEDULER))
        self.spawn(
            "scheduler",
            [
                sys.executable, "-m", "offchain.scheduler", "--rpc", self.rpc_url, "--key-file", str(key_file),
                "--workerpool", self.pool, "--hub", self.hub, "--port", str(self.sched_port),
                "--db", str(self.workdir / "scheduler.sqlite"), "--results-dir", str(self.workdir / "results"),
                "--worker-lost-after", str(self.worker_lost_after), "--ask-period", "0.5",
                "--poll-interval", "0.5", *(extra or []),
            ],
        )  # fmt: skip
        _wait(lambda: _http_up(self.sched_url), 30, "the scheduler did not start", self.procs["scheduler"])

    @property
    def sched_url(self) -> str:
        return f"http://127.0.0.1:{self.sched_port}"

    def start_worker(self, i: int, extra: list[str] | None = None) -> str:
        name = f"worker{i}"
        key = dev_key(FIRST_WORKER + i)
        self.spawn(
            name,
            [
                sys.executable, "-m", "offchain.worker", "--rpc", self.rpc_url,
                "--key-file", str(self._key_file(name, key)), "--scheduler-url", self.sched_url,
                "--workdir", str(self.workdir / name), "--name", name, "--ping-period", "2", *(extra or []),
            ],
        )  # fmt: skip
        return Account.from_key(key).address

    def start_workers(self, faults: dict[int, list[str]] | None = None) -> list[str]:
        return [self.start_worker(i, (faults or {}).get(i)) for i in range(self.workers)]

    def worker_address(self, i: int) -> str:
        return Account.from_key(dev_key(FIRST_WORKER + i)).address

    def _key_file(self, name: str, key: str) -> Path:
        path = self.workdir / "keys" / f"{name}.key"
        path.parent.mkdir(exist_ok=True)
        path.write_text(key)
        path.chmod(0o600)
        return path


def _wait(check, timeout: float, message: str, proc: Proc | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if proc is not None and not proc.alive():
            raise DevnetError(f"{message}: {proc.name} exited ({proc.tail(1)})")
        time.sleep(0.2)
    raise DevnetError(message)


def _rpc_up(url: str) -> bool:
    try:
        return (
            httpx.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"}, timeout=1).status_code
            == 200
        )
    except httpx.HTTPError:
        return False


def _http_up(url: str) -> bool:
    try:
        return httpx.get(url + "/openapi.json", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
