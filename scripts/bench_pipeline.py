"""Pipeline benchmark (not a test): tasks per minute and match-to-finalize latency of a zero-work app.

One devnet (anvil, deployment, scheduler); for each worker count (1, 4, 16 by default) the workers are started, a
deal of the `noop` app is bought at trust 1 (one contribution per task, so a single worker can finish), and each
task's completion is timed by polling the chain. The chain's own transaction rate over the same window is measured
from the blocks. Results go to benchmarks/pipeline.json and benchmarks/pipeline.md.

Run: `python scripts/bench_pipeline.py [--workers 1 4 16] [--tasks-per-worker 4] [--min-tasks 8]`.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from offchain.devnet import APP_OWNER, REQUESTER, SCHEDULER, Devnet, DevnetError
from offchain.protocol import constants as C
from offchain.requester.market import dev_key

REPO = Path(__file__).resolve().parents[1]
DEV_CATEGORY_30S = 6


def run_case(net: Devnet, app: str, n_workers: int, volume: int) -> dict:
    market = net.mkt
    for i in range(n_workers):
        net.start_worker(i)
    time.sleep(3)  # let them log in and register
    w3 = market.w3
    start_block = w3.eth.block_number
    t0 = time.monotonic()
    deal = market.buy(
        dev_key(REQUESTER), app, dev_key(APP_OWNER), net.pool, dev_key(SCHEDULER),
        volume=volume, trust=1, category=DEV_CATEGORY_30S,
    )  # fmt: skip
    matched = time.monotonic()
    tasks = market.task_ids(deal)
    done_at: dict[str, float] = {}
    deadline = matched + 300
    while len(done_at) < len(tasks) and time.monotonic() < deadline:
        for t, s in zip(tasks, market.task_statuses(tasks), strict=True):
            if s in (C.TASK_COMPLETED, C.TASK_FAILED) and t not in done_at:
                done_at[t] = time.monotonic()
        time.sleep(0.2)
    end = time.monotonic()
    end_block = w3.eth.block_number
    for i in range(n_workers):
        net.kill(f"worker{i}", 15)
    completed = sum(market.task_statuses(tasks).count(s) for s in (C.TASK_COMPLETED,))
    txs = sum(len(w3.eth.get_block(b)["transactions"]) for b in range(start_block + 1, end_block + 1))
    latencies = sorted(done_at[t] - matched for t in done_at)
    span = (max(done_at.values()) - matched) if done_at else float("nan")
    return {
        "workers": n_workers,
        "tasks": volume,
        "completed": completed,
        "tasks_per_minute": round(60 * len(done_at) / span, 1) if done_at else 0.0,
        "latency_s": {
            "min": round(latencies[0], 2) if latencies else None,
            "median": round(statistics.median(latencies), 2) if latencies else None,
            "p90": round(latencies[int(0.9 * (len(latencies) - 1))], 2) if latencies else None,
            "max": round(latencies[-1], 2) if latencies else None,
        },
        "chain_txs": txs,
        "chain_tx_per_s": round(txs / (end - t0), 2),
        "wall_s": round(end - t0, 1),
    }


def write_reports(results: list[dict], out_dir: Path, meta: dict) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "pipeline.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2) + "\n")
    lines = [
        "# Pipeline benchmark (zero-work app, trust 1)",
        "",
        f"Measured {meta['date']} on {meta['machine']} by `python scripts/bench_pipeline.py` (devnet: anvil with",
        "automine, one scheduler, N worker processes, app `noop`). Latency = deal matched -> task COMPLETED on chain,",
        "seen by polling every 0.2 s. The chain tx rate counts every transaction mined in the same window",
        "(initialize, contribute, reveal, finalize).",
        "",
        "| workers | tasks | completed | tasks/min | latency median (s) | p90 (s) | max (s) | chain tx | chain tx/s |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lat = r["latency_s"]
        lines.append(
            f"| {r['workers']} | {r['tasks']} | {r['completed']} | {r['tasks_per_minute']} | {lat['median']} | "
            f"{lat['p90']} | {lat['max']} | {r['chain_txs']} | {r['chain_tx_per_s']} |"
        )
    (out_dir / "pipeline.md").write_text("\n".join(lines) + "\n")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workers", type=int, nargs="+", default=[1, 4, 16])
    p.add_argument("--tasks-per-worker", type=int, default=4)
    p.add_argument("--min-tasks", type=int, default=8)
    p.add_argument("--out", default=str(REPO / "benchmarks"))
    args = p.parse_args(argv)
    try:
        with (
            tempfile.TemporaryDirectory(prefix="bench-") as tmp,
            Devnet(Path(tmp), workers=max(args.workers)) as net,
        ):
            net.start_chain()
            net.deploy()
            net.mkt = net.market()
            net.setup_pool(net.mkt)
            app = net.publish_app(net.mkt, "noop")
            net.start_scheduler()
            results = []
            for n in args.workers:
                volume = max(args.min_tasks, n * args.tasks_per_worker)
                res = run_case(net, app, n, volume)
                print(json.dumps(res), flush=True)
                results.append(res)
    except DevnetError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    meta = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}",
    }
    write_reports(results, Path(args.out), meta)
    print(f"written {Path(args.out) / 'pipeline.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
