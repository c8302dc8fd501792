"""`make demo`: a whole devnet on this machine, from an empty chain to an assembled picture.

Starts anvil on its own port, deploys (scripts/deploy.py), creates a workerpool and the Mandelbrot app, starts the
scheduler and N workers as separate processes, then a requester buys a bag of tasks at a trust that needs
replication. Shows progress while the tasks move, assembles the picture from the downloaded results, prints every
party's balance change and stops everything it started. Exits 1 with a one-line reason on failure.

Run as a plain program: `python scripts/demo.py [--workers 4] [--volume 8] [--trust 4] [--out demo-output]`.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

from eth_account import Account

if __package__ in (None, ""):  # `python scripts/x.py`: the repo root, so that the scripts package imports
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from offchain.devnet_keys import dev_key  # noqa: E402
from offchain.protocol import constants as C  # noqa: E402
from offchain.requester.assemble import assemble, tile_from_result_zip  # noqa: E402
from offchain.requester.market import TASK_STATUS_NAMES  # noqa: E402
from scripts.devnet import (  # noqa: E402
    APP_OWNER,
    APP_PRICE,
    FIRST_WORKER,
    POOL_PRICE,
    REQUESTER,
    RLC,
    SCHEDULER,
    Devnet,
    DevnetError,
)

DEV_CATEGORY_30S = 6  # scripts/config.py: DEV_CATEGORIES come after the 5 standard ones


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="run the PoCo devnet demo")
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--volume", type=int, default=8)
    p.add_argument("--trust", type=int, default=4)
    p.add_argument("--category", type=int, default=DEV_CATEGORY_30S, help="category id (6 = DEV-30S)")
    p.add_argument("--size", default="480 360 250", help="picture width, height and max iterations")
    p.add_argument("--out", default="demo-output", help="folder for logs, results and the picture")
    p.add_argument("--rpc-port", type=int, default=8650)
    p.add_argument("--sched-port", type=int, default=13050)
    return p.parse_args(argv)


def progress_line(statuses: list[int], started: float) -> str:
    counts = {name: 0 for name in TASK_STATUS_NAMES.values()}
    for s in statuses:
        counts[TASK_STATUS_NAMES[s]] += 1
    bar = "".join({0: ".", 1: "a", 2: "r", 3: "#", 4: "X"}[s] for s in statuses)
    parts = " ".join(f"{k.lower()}={v}" for k, v in counts.items() if v)
    return f"[{time.monotonic() - started:5.0f}s] {bar}  {parts}"


def run(args) -> int:
    out = Path(args.out).resolve()
    with Devnet(out, workers=args.workers, rpc_port=args.rpc_port, sched_port=args.sched_port) as net:
        print(f"devnet in {out} (logs in {out / 'logs'})")
        net.start_chain()
        print(f"chain: anvil at {net.rpc_url}")
        hub = net.deploy()
        print(f"deployed: hub {hub}")
        market = net.market()
        pool = net.setup_pool(market)
        app = net.publish_app(market, "mandelbrot")
        print(f"workerpool {pool}, app {app} (mandelbrot bundle)")
        parties = {
            "requester": Account.from_key(dev_key(REQUESTER)).address,
            "app owner": Account.from_key(dev_key(APP_OWNER)).address,
            "scheduler": Account.from_key(dev_key(SCHEDULER)).address,
            **{
                f"worker{i}": Account.from_key(dev_key(FIRST_WORKER + i)).address for i in range(args.workers)
            },
            "kitty": C.KITTY_ADDRESS,
        }
        before = {name: market.account(addr) for name, addr in parties.items()}
        net.start_scheduler()
        net.start_workers()
        print(f"scheduler at {net.sched_url}, {args.workers} workers started")
        deal = market.buy(
            dev_key(REQUESTER), app, dev_key(APP_OWNER), pool, dev_key(SCHEDULER),
            volume=args.volume, trust=args.trust, category=args.category,
            app_price=APP_PRICE, workerpool_price=POOL_PRICE, params=args.size,
        )  # fmt: skip
        tasks = market.task_ids(deal)
        print(f"deal {deal}: {len(tasks)} tasks at trust {args.trust} (category {args.category})")
        print("legend: . unset  a active  r revealing  # completed  X failed")
        started, last = time.monotonic(), [""]

        def show(statuses):
            net.check_alive("anvil", "scheduler")
            line = progress_line(statuses, started)
            if line.split("]", 1)[1] != last[0]:
                print(line, flush=True)
                last[0] = line.split("]", 1)[1]

        timeout = 10 * market.chain.view_category(args.category)["workClockTimeRef"] + 60
        statuses = market.wait_tasks(tasks, timeout=timeout, on_progress=show)
        done = sum(s == C.TASK_COMPLETED for s in statuses)
        if done != len(tasks):
            raise DevnetError(f"only {done}/{len(tasks)} tasks completed (see {out / 'logs'})")
        print(f"all {len(tasks)} tasks completed in {time.monotonic() - started:.0f} s")
        tiles = [tile_from_result_zip(market.download(net.sched_url, t)) for t in tasks]
        picture = assemble(tiles, out / "picture.png")
        print(f"picture assembled from {len(tiles)} tiles: {picture}")
        print("balance changes (free stake / locked, in RLC):")
        for name, addr in parties.items():
            now = market.account(addr)
            d_stake = (now["stake"] - before[name]["stake"]) / RLC
            d_locked = (now["locked"] - before[name]["locked"]) / RLC
            score = f"  score {market.score(addr)}" if name.startswith("worker") else ""
            print(f"  {name:<10} {addr}  {d_stake:+12.4f} / {d_locked:+8.4f}{score}")
    print("all processes stopped")
    return 0


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        return run(args)
    except KeyboardInterrupt:
        print("demo: interrupted; everything stopped", file=sys.stderr)
        return 1
    except DevnetError as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # one line, not a traceback: the logs folder has the details
        print(f"demo: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
