"""CLI: python -m offchain.worker --rpc URL --key-file FILE --scheduler-url URL --workdir DIR [options].

Prints one line and exits 1 on a configuration error (unreachable node or scheduler, bad key, wrong chain, no Docker
engine behind --runtime docker) or when something the worker needs is missing (a node producing blocks, ETH for gas,
the stake a task locks when the scheduler says it, disk space): see checks.py.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from pathlib import Path

from eth_account import Account

from offchain.chain.client import ChainClient, ConfigError, connect
from offchain.chain.errors import NodeUnavailable, TxError
from offchain.chain.tx import TxSender

from .chain_actions import CannotContribute, WorkerChain
from .checks import ChainChecks, Needs, disk_problem
from .client import SchedulerClient, SchedulerError, SchedulerUnavailable
from .runtimes import DockerConfig, EngineError, make_runtime
from .worker import Worker, WorkerConfig

log = logging.getLogger("worker")


def load_key(key_file: str | None) -> str:
    """Hex private key from --key-file (plain hex, or a keystore JSON + $WORKER_KEY_PASSWORD) or $WORKER_PRIVATE_KEY."""
    if key_file:
        try:
            text = Path(key_file).read_text().strip()
        except OSError as exc:
            raise ConfigError(f"cannot read key file {key_file}: {exc.strerror}") from exc
        if text.startswith("{"):
            password = os.environ.get("WORKER_KEY_PASSWORD", "")
            try:
                return "0x" + bytes(Account.decrypt(json.loads(text), password)).hex()
            except (ValueError, KeyError) as exc:
                raise ConfigError(f"cannot decrypt keystore {key_file} (set WORKER_KEY_PASSWORD)") from exc
        return text
    key = os.environ.get("WORKER_PRIVATE_KEY")
    if not key:
        raise ConfigError("no wallet: pass --key-file or set WORKER_PRIVATE_KEY")
    return key.strip()


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m offchain.worker", description="iExec-style PoCo worker")
    p.add_argument("--rpc", required=True, help="chain node JSON-RPC URL")
    p.add_argument(
        "--key-file", help="wallet: hex private key file or keystore JSON (else $WORKER_PRIVATE_KEY)"
    )
    p.add_argument("--scheduler-url", required=True, help="the workerpool scheduler's base URL")
    p.add_argument("--workdir", required=True, help="folder for task files and the worker's local state")
    p.add_argument("--name", default=None, help="worker name shown by the scheduler")
    p.add_argument("--cpus", type=int, default=1, help="tasks computed in parallel")
    p.add_argument(
        "--deposit", type=int, default=0, help="nRLC to deposit when the stake is too low (0 = never)"
    )
    p.add_argument(
        "--runtime",
        choices=["auto", "docker", "bwrap"],
        default="auto",
        help="where apps run: Docker when an engine answers `docker version` (auto), or forced",
    )
    p.add_argument("--docker-memory", default="2g", help="memory limit of an app container (no swap beyond)")
    p.add_argument("--docker-cpus", type=float, default=1.0, help="CPU limit of an app container")
    p.add_argument(
        "--docker-bundle-image",
        default=DockerConfig.bundle_image,
        help="image that runs ZIP bundle apps (python3) under Docker",
    )
    p.add_argument("--require-sandbox", action="store_true", help="refuse to run apps when bwrap cannot run")
    p.add_argument("--ping-period", type=float, default=5.0)
    p.add_argument(
        "--max-block-age",
        type=float,
        default=float(os.environ.get("WORKER_MAX_BLOCK_AGE", 120)),
        help="seconds; an older latest block means the node is not producing blocks (0: no check)",
    )
    p.add_argument(
        "--min-free-mb",
        type=int,
        default=int(os.environ.get("WORKER_MIN_FREE_MB", 100)),
        help="free space the workdir needs before a task is taken",
    )
    p.add_argument("--check-period", type=float, default=30.0, help="seconds between the run-time checks")
    p.add_argument("--fault", choices=["wrong-result"], help=argparse.SUPPRESS)  # test hook
    p.add_argument("--log-level", default="INFO")
    return p.parse_args(argv)


def build(args) -> Worker:
    try:
        account = Account.from_key(load_key(args.key_file))
    except ConfigError:
        raise
    except Exception as exc:
        raise ConfigError("the wallet key is not a valid private key") from exc
    try:
        docker = DockerConfig(
            memory=args.docker_memory, cpus=args.docker_cpus, bundle_image=args.docker_bundle_image
        )
        runtime, why = make_runtime(args.runtime, docker, allow_unsandboxed=not args.require_sandbox)
    except (ValueError, EngineError) as exc:
        raise ConfigError(str(exc)) from exc
    log.info("apps run in %s: %s", runtime.name, why)
    client = SchedulerClient(args.scheduler_url, account)
    try:
        client.login()
        sched = client.config()
    except (SchedulerError, SchedulerUnavailable) as exc:
        raise ConfigError(f"cannot log in to the scheduler at {args.scheduler_url}: {exc}") from exc
    w3 = connect(args.rpc)
    if int(sched.get("chainId", w3.eth.chain_id)) != w3.eth.chain_id:
        raise ConfigError(
            f"the scheduler runs on chain {sched['chainId']} but {args.rpc} is chain {w3.eth.chain_id}"
        )
    chain = WorkerChain(ChainClient(w3, sched["hub"]), TxSender(w3, account.key))
    checks = ChainChecks(chain, Needs(cpus=args.cpus, deposit=args.deposit, max_block_age=args.max_block_age))
    workdir = Path(args.workdir)
    preflight(checks, sched, args, workdir)
    cfg = WorkerConfig(
        workdir=workdir,
        name=args.name or f"worker-{account.address[2:8].lower()}",
        cpus=args.cpus,
        ping_period=args.ping_period,
        deposit_amount=args.deposit,
        runtime=runtime,
        fault=args.fault,
        check_period=args.check_period,
        min_free_mb=args.min_free_mb,
    )
    return Worker(cfg, client, chain, checks)


def preflight(checks: ChainChecks, sched: dict, args, workdir: Path) -> None:
    """Refuse to start (ConfigError, one line) when something a task needs is missing. The stake a task locks is
    checked when the scheduler publishes it (`workerStake` in /workers/config): with --deposit the worker deposits
    what is missing, else it says how much to deposit and exits (an operator starting it is there to act)."""
    workdir.mkdir(parents=True, exist_ok=True)
    problem = disk_problem(workdir, args.min_free_mb)
    if problem:
        raise ConfigError(problem)
    try:
        problems = checks.all(None)
        if problems:
            raise ConfigError(next(iter(problems.values())))
        if sched.get("workerStake") is None:
            log.info(
                "the scheduler does not publish the stake a task locks: checked at the first contribution"
            )
            return
        needed = int(sched["workerStake"]) * max(1, args.cpus)
        if args.deposit > 0:
            checks.chain.ensure_stake(needed, args.deposit)
        problem = checks.stake(needed)
    except NodeUnavailable as exc:
        raise ConfigError(f"the chain node at {args.rpc} stopped answering: {exc}") from exc
    except (CannotContribute, TxError) as exc:
        raise ConfigError(f"cannot deposit the stake a task needs: {exc}") from exc
    if problem:
        raise ConfigError(problem)


def configure_logging(level: str) -> None:
    """One line per state change at INFO; every poll (and each HTTP request) only at DEBUG."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s worker %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        for name in ("httpx", "httpcore", "urllib3", "web3"):
            logging.getLogger(name).setLevel(logging.WARNING)
        # each retry of a chain call: the worker says once that the node is gone (and when it is back)
        logging.getLogger("offchain.chain.retry").setLevel(logging.ERROR)


def main(argv=None) -> int:
    args = parse_args(argv)
    configure_logging(args.log_level)
    try:
        worker = build(args)
    except ConfigError as exc:
        print(f"worker: {exc}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, lambda *_: worker.stop())
    try:
        worker.run()
    except KeyboardInterrupt:
        worker.stop()
    except (ConfigError, SchedulerError) as exc:
        print(f"worker: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
