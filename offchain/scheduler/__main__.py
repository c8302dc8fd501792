"""`python -m offchain.scheduler --rpc URL --key-file F --workerpool ADDR [--db URL] [--port N] ...`

Runs one workerpool's scheduler: the engine loop in a thread and the HTTP API (uvicorn) in the main thread.
Exits non-zero with a one-line reason on bad configuration.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from eth_account import Account
from eth_utils import is_address, to_checksum_address

from offchain.chain.client import ChainClient, ConfigError, connect, hub_from_deployment, load_deployment


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m offchain.scheduler", description=__doc__.splitlines()[0])
    p.add_argument(
        "--rpc", default=os.environ.get("POCO_RPC", "http://127.0.0.1:8545"), help="chain JSON-RPC URL"
    )
    p.add_argument(
        "--key-file", help="file holding the pool owner's private key (hex); or set POCO_SCHEDULER_KEY"
    )
    p.add_argument("--workerpool", required=True, help="address of the workerpool this scheduler serves")
    p.add_argument("--hub", help="hub address (default: from deployments/<chainid>.json)")
    p.add_argument("--deployments", help="folder of deployments/<chainid>.json files")
    p.add_argument(
        "--db",
        default=os.environ.get("POCO_SCHEDULER_DB", "sqlite:///scheduler.db"),
        help="database: a SQLite file path, sqlite:///FILE or postgresql://USER:PASSWORD@HOST:PORT/DB "
        "(default $POCO_SCHEDULER_DB, which keeps a password off the command line, else sqlite:///scheduler.db)",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=13000)
    p.add_argument("--public-url", help="URL workers use to reach this scheduler (default http://host:port)")
    p.add_argument(
        "--results-dir", default="scheduler-results", help="folder of the content-addressed result store"
    )
    p.add_argument("--start-block", type=int, default=0)
    p.add_argument("--confirmations", type=int, default=0)
    p.add_argument("--poll-interval", type=float, default=1.0)
    p.add_argument("--ask-period", type=float, default=1.0, help="seconds between a worker's asks for work")
    p.add_argument(
        "--worker-lost-after", type=float, default=30.0, help="seconds without ping before a worker is lost"
    )
    p.add_argument("--upload-timeout", type=float, default=120.0)
    p.add_argument("--log-level", default="INFO")
    return p.parse_args(argv)


def read_key(path: str | None) -> str:
    raw = os.environ.get("POCO_SCHEDULER_KEY", "") if not path else None
    if path:
        try:
            raw = Path(path).read_text().strip()
        except OSError as exc:
            raise ConfigError(f"cannot read key file {path}: {exc.strerror}") from exc
    if not raw:
        raise ConfigError("no scheduler key: pass --key-file or set POCO_SCHEDULER_KEY")
    try:
        Account.from_key(raw)
    except Exception as exc:
        raise ConfigError("the scheduler key is not a valid private key") from exc
    return raw


def build(args: argparse.Namespace):
    """Check the configuration and assemble the scheduler; raises ConfigError with a one-line reason."""
    from offchain.scheduler.api import create_app
    from offchain.scheduler.config import Config
    from offchain.scheduler.loop import Scheduler

    key = read_key(args.key_file)
    chain, pool, sender = connect_pool(args, key)
    store = open_store(args.db)
    # name the database as given (a path), or its URL without the password
    shown = args.db if "://" not in args.db else store.url.render_as_string(hide_password=True)
    bind_to_chain(store, chain.w3, chain.hub_address, pool, shown)
    cfg = Config(
        workerpool=pool,
        private_key=key,
        results_dir=Path(args.results_dir),
        public_url=args.public_url or f"http://{args.host}:{args.port}",
        start_block=args.start_block,
        confirmations=args.confirmations,
        poll_interval=args.poll_interval,
        ask_period=args.ask_period,
        worker_lost_after=args.worker_lost_after,
        upload_timeout=args.upload_timeout,
    )
    sched = Scheduler(cfg, store, chain, sender)
    return sched, create_app(sched)


def connect_pool(args: argparse.Namespace, key: str):
    """(ChainClient, pool address, TxSender) once the node, the hub and the pool check out and the key owns it."""
    from offchain.chain.tx import TxSender

    if not is_address(args.workerpool):
        raise ConfigError(f"--workerpool {args.workerpool!r} is not an address")
    w3 = connect(args.rpc)
    hub = args.hub or hub_from_deployment(load_deployment(w3.eth.chain_id, args.deployments))
    if not is_address(hub):
        raise ConfigError(f"hub {hub!r} is not an address")
    try:
        chain = ChainClient(w3, hub)
    except FileNotFoundError as exc:
        raise ConfigError(str(exc)) from exc
    pool = to_checksum_address(args.workerpool)
    if not w3.eth.get_code(pool):
        raise ConfigError(f"no workerpool contract at {pool}")
    sender = TxSender(w3, key)
    try:
        owner = chain.workerpool_owner(pool)
    except Exception as exc:
        raise ConfigError(f"{pool} does not answer owner(): not a workerpool") from exc
    if to_checksum_address(owner) != sender.address:
        raise ConfigError(f"the key's address {sender.address} is not the owner {owner} of workerpool {pool}")
    return chain, pool, sender


def open_store(db: str):
    """The database of --db: a file path (SQLite) or a URL."""
    from offchain.scheduler.store import Store, StoreError

    try:
        return Store(db if "://" in db else f"sqlite:///{Path(db).resolve()}")
    except StoreError as exc:
        raise ConfigError(f"database: {exc}") from exc


def bind_to_chain(store, w3, hub: str, pool: str, db_name: str) -> None:
    """A database follows one chain, hub and workerpool. Opened against another (a new devnet whose contracts
    landed at the same addresses, another pool), its cursors and tasks would be replayed on the wrong chain: the
    scheduler would skip the new chain's events below its old cursor. The first start records the identity; a
    mismatch is a configuration error."""
    from offchain.scheduler.store import Meta

    genesis = w3.eth.get_block(0)["hash"]
    identity = (
        f"chain {w3.eth.chain_id} genesis 0x{bytes(genesis).hex()} hub {hub.lower()} pool {pool.lower()}"
    )
    with store.tx() as s:
        row = s.get(Meta, "chain")
        if row is None:
            s.add(Meta(key="chain", value=identity.encode()))
            return
        recorded = bytes(row.value).decode()
    if recorded != identity:
        raise ConfigError(
            f"database {db_name} holds the state of another chain or pool ({recorded}); use a fresh --db"
        )


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=getattr(logging, str(args.log_level).upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        sched, app = build(args)
    except ConfigError as exc:
        print(f"scheduler: {exc}", file=sys.stderr)
        return 2
    import uvicorn

    sched.start()
    logging.getLogger("scheduler").info(
        "serving workerpool %s on %s:%d (hub %s)", sched.pool, args.host, args.port, sched.chain.hub_address
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    sched.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
