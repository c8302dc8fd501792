"""A local devnet of real processes: anvil, the deployment, one workerpool with its scheduler and N workers.

Used by `make demo` (scripts/demo.py), the e2e tests (tests/e2e) and the pipeline benchmark. Every process it starts
is remembered by PID and stopped by `stop()` (SIGTERM, then SIGKILL), also on Ctrl-C or any failure, since callers
use it as a context manager. The deployment runs in this process (scripts/deploy.py through brownie), not as a
program of its own.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from eth_account import Account

from offchain.chain.client import connect
from offchain.devnet_keys import dev_key
from offchain.protocol.constants import NRLC_PER_RLC as RLC
from offchain.requester.bundles import build_bundle
from offchain.requester.market import Market

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
        """Deploy with scripts/deploy.py on our chain (brownie's output goes to logs/deploy.log); returns the hub."""
        if self.hub:
            return self.hub
        from brownie import accounts

        from scripts.deploy import deploy

        log = self.workdir / "logs" / "deploy.log"
        try:
            with open(log, "a") as out, contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                # brownie reads the project's sources by paths relative to its root
                with contextlib.chdir(REPO), _brownie_on(self.rpc_url) as forget:
                    deployment = deploy(accounts[0])
                    self.hub = deployment.hub.address
                    forget(deployment)
        except Exception as exc:
            first = (str(exc).splitlines() or [""])[0]
            raise DevnetError(f"deployment failed ({log}): {type(exc).__name__}: {first}") from exc
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


@contextlib.contextmanager
def _brownie_on(rpc_url: str) -> Iterator:
    """brownie connected to the devnet's chain for the duration of the block; yields forget(deployment).

    In a plain program (the demo, the benchmark) it loads the project and attaches to our anvil, then detaches. Under
    `brownie test` (tests/e2e) brownie is already on the test chain: it is pointed at ours meanwhile (both are anvil
    chains of the same dev mnemonic, so accounts[0] is the same deployer), and forget() drops the devnet's contracts
    from brownie's registry, where they would shadow the test chain's contracts at the same addresses.
    """
    from brownie import network, project, web3
    from brownie._config import CONFIG
    from brownie.network import state

    deployed: list = []
    if network.is_connected():
        previous = web3.provider.endpoint_uri
        web3.connect(rpc_url)
        try:
            yield deployed.append
        finally:
            web3.connect(previous)
            gone = [c for d in deployed for c in _contracts_of(d)]
            for contract in gone:
                state._remove_contract(contract)
            addresses = {c.address for c in gone}
            for container in project.get_loaded_projects()[0].dict().values():
                container._contracts[:] = [c for c in container._contracts if c.address not in addresses]
        return
    if not project.get_loaded_projects():
        project.load(REPO).load_config()
    CONFIG.networks["development"]["cmd_settings"]["port"] = int(rpc_url.rsplit(":", 1)[1])
    # our anvil runs already: brownie attaches without owning it (disconnecting would kill a child it owns)
    network.connect("development", launch_rpc=False)
    try:
        yield deployed.append
    finally:
        network.disconnect(kill_rpc=False)


def _contracts_of(deployment) -> list:
    d = deployment
    registries = [d.app_registry, d.dataset_registry, d.workerpool_registry]
    return [d.token, d.hub, d.hub_router, *registries, *d.modules.values()]


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
