"""Pipeline benchmark (not a test): tasks per minute and match-to-finalize latency of a zero-work app, and the
chain's own capacity measured on the same anvil as the limit.

One devnet (anvil, deployment, scheduler); for each worker count (1, 4, 16 by default) the workers are started, a
deal of the `noop` app is bought at trust 1 (one contribution per task, so a single worker can finish), and each
task's completion is timed by polling the chain. The chain's transaction rate over the same window is read from the
blocks.

Then, on the same anvil (same process, flags and state; workers and scheduler stopped), the chain's capacity: the
pipeline's own transactions for a bag of `--capacity-tasks` tasks (matchOrders, initializeArray in the scheduler's
batches of 16, contribute, reveal, finalize), each phase pre-signed from its real sender (workers, scheduler) and
sent as fast as possible (one thread per sender, JSON-RPC batches of raw transactions, no waiting between them),
timed from the first send to the last receipt, every receipt checked successful; and plain ETH transfers from 16
accounts the same way. Capacity tx/s on the pipeline's mix, divided by a run's transactions per task, gives the
chain's ceiling in tasks per minute for that run.

Results go to benchmarks/pipeline.json and benchmarks/pipeline.md.

Run: `python scripts/bench_pipeline.py [--workers 1 4 16] [--tasks-per-worker 4] [--min-tasks 8]
[--capacity-tasks 256] [--capacity-transfers 64] [--capacity-rounds 5] [--rpc-port N] [--scheduler-port N]`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from eth_account import Account
from eth_utils import keccak, to_bytes
from web3.logs import DISCARD

if __package__ in (None, ""):  # `python scripts/x.py`: the repo root, so that the scripts package imports
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from offchain.devnet_keys import dev_key  # noqa: E402
from offchain.protocol import constants as C  # noqa: E402
from offchain.protocol import hashing  # noqa: E402
from offchain.protocol import orders as od  # noqa: E402
from scripts.devnet import APP_OWNER, FIRST_WORKER, REQUESTER, SCHEDULER, Devnet, DevnetError  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEV_CATEGORY_30S = 6
CAPACITY_CATEGORY = 0  # XS (300 s): deadlines far beyond the measurement, same transactions otherwise
INIT_BATCH = 16  # the scheduler's initializeArray batch (offchain/scheduler/config.py Config.init_batch)
RPC_BATCH = 32  # raw transactions per JSON-RPC batch request


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


class Phase:
    """Pre-signed transactions of one kind, grouped by sender, sent as fast as the chain takes them."""

    def __init__(self, name: str, tasks_per_tx: float):
        self.name = name
        self.tasks_per_tx = tasks_per_tx
        self.raw: dict[str, list[str]] = {}  # sender -> raw txs in nonce order
        self.hashes: list[str] = []

    def add(self, w3, key: str, fn_or_tx, gas: int, nonces: dict, fees: dict) -> None:
        sender = Account.from_key(key)
        nonce = nonces.setdefault(sender.address, w3.eth.get_transaction_count(sender.address, "pending"))
        base = {"from": sender.address, "nonce": nonce, "gas": gas, "chainId": w3.eth.chain_id, **fees}
        tx = (
            fn_or_tx.build_transaction(base)
            if hasattr(fn_or_tx, "build_transaction")
            else {**base, **fn_or_tx}
        )
        tx.pop("from", None)
        self.raw.setdefault(sender.address, []).append(
            "0x" + bytes(sender.sign_transaction(tx).raw_transaction).hex()
        )
        nonces[sender.address] = nonce + 1

    def run(self, rpc_url: str) -> dict:
        """Send everything (one thread per sender, JSON-RPC batches), wait for every receipt; the measurement."""
        sent: dict[int, list[str]] = {}  # per sender thread, hashes in nonce order
        errors: list[str] = []
        lock = threading.Lock()
        ready = threading.Barrier(len(self.raw) + 1)

        def send(k: int, raws: list[str]) -> None:
            hashes = sent.setdefault(k, [])
            with httpx.Client(timeout=60) as http:
                http.post(rpc_url, json={"jsonrpc": "2.0", "id": 0, "method": "eth_chainId"})  # connected
                ready.wait()
                for i in range(0, len(raws), RPC_BATCH):
                    batch = [
                        {"jsonrpc": "2.0", "id": j, "method": "eth_sendRawTransaction", "params": [raw]}
                        for j, raw in enumerate(raws[i : i + RPC_BATCH])
                    ]
                    for reply in sorted(http.post(rpc_url, json=batch).json(), key=lambda r: r["id"]):
                        with lock:
                            if "error" in reply:
                                errors.append(str(reply["error"].get("message")))
                            else:
                                hashes.append(reply["result"])

        threads = [threading.Thread(target=send, args=item) for item in enumerate(self.raw.values())]
        for t in threads:
            t.start()
        ready.wait()  # every sender connected: the clock starts with the first send
        started = time.monotonic()
        for t in threads:
            t.join()
        if errors:
            raise DevnetError(
                f"capacity {self.name}: the node refused {len(errors)} transaction(s): {errors[0]}"
            )
        # A sender's transactions are mined in nonce order: its last one mined means all of them are.
        flushes = wait_mined(rpc_url, [hashes[-1] for hashes in sent.values()])
        seconds = time.monotonic() - started
        self.hashes = [h for hashes in sent.values() for h in hashes]
        receipts = receipts_of(rpc_url, self.hashes)
        failed = [r for r in receipts if int(r["status"], 16) != 1]
        if failed:
            raise DevnetError(
                f"capacity {self.name}: {len(failed)} transaction(s) reverted, e.g. {failed[0]['transactionHash']}"
            )
        gas = [int(r["gasUsed"], 16) for r in receipts]
        return {
            "kind": self.name,
            "senders": len(self.raw),
            "txs": len(receipts),
            "tasks_per_tx": self.tasks_per_tx,
            "seconds": round(seconds, 3),
            "tx_per_s": round(len(receipts) / seconds, 1),
            "gas_per_tx": round(statistics.mean(gas)),
            "blocks": len({r["blockNumber"] for r in receipts}),
            "flushes": flushes,
        }


def _rpc_batch(http: httpx.Client, rpc_url: str, method: str, params: list[list]) -> list:
    replies = http.post(
        rpc_url,
        json=[{"jsonrpc": "2.0", "id": i, "method": method, "params": p} for i, p in enumerate(params)],
    ).json()
    return [r.get("result") for r in sorted(replies, key=lambda r: r["id"])]


def wait_mined(rpc_url: str, hashes: list[str], timeout: float = 300) -> int:
    """Wait until every hash has a receipt; returns how many times the pool had to be flushed.

    Anvil's automine mines a block when a transaction arrives, with the ready ones that fit in its gas limit; what
    does not fit stays in the pool until the next arrival or the devnet's next one-second block (mixed mining). When
    no progress shows for two polls, `evm_mine` plays that next arrival: the block the chain would build next, from
    the same pool under the same limits, without waiting out the rest of the second."""
    flushes, idle, mined = 0, 0, 0
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=60) as http:
        while True:
            now_mined = sum(
                r is not None
                for r in _rpc_batch(http, rpc_url, "eth_getTransactionReceipt", [[h] for h in hashes])
            )
            if now_mined == len(hashes):
                return flushes
            idle = idle + 1 if now_mined == mined else 0
            mined = now_mined
            if idle >= 2:
                http.post(rpc_url, json={"jsonrpc": "2.0", "id": 1, "method": "evm_mine", "params": []})
                flushes, idle = flushes + 1, 0
            if time.monotonic() > deadline:
                raise DevnetError(
                    f"transactions of {len(hashes) - mined} sender(s) not mined within {timeout:.0f} s"
                )
            time.sleep(0.005)


def receipts_of(rpc_url: str, hashes: list[str]) -> list[dict]:
    with httpx.Client(timeout=120) as http:
        receipts = [
            r
            for i in range(0, len(hashes), 500)
            for r in _rpc_batch(
                http, rpc_url, "eth_getTransactionReceipt", [[h] for h in hashes[i : i + 500]]
            )
        ]
    if any(r is None for r in receipts):
        raise DevnetError(f"{sum(r is None for r in receipts)} transaction(s) have no receipt")
    return receipts


def measure_capacity(net: Devnet, app: str, n_tasks: int, transfers_per_sender: int, senders: int) -> dict:
    """The chain's own rate on the pipeline's transactions and on plain transfers (see the module docstring)."""
    market, w3 = net.mkt, net.mkt.w3
    hub = market.hub
    latest = w3.eth.get_block("latest")
    tip = w3.eth.max_priority_fee
    fees = {"maxPriorityFeePerGas": tip, "maxFeePerGas": 2 * latest["baseFeePerGas"] + tip}
    workers = [dev_key(FIRST_WORKER + i) for i in range(senders)]
    pool_key = dev_key(SCHEDULER)
    nonces: dict[str, int] = {}

    def estimate(fn, key) -> int:
        return int(fn.estimate_gas({"from": Account.from_key(key).address}) * 1.3) + 20_000

    # 1. matchOrders: the bag of tasks, exactly as the pipeline buys it.
    requester = Account.from_key(dev_key(REQUESTER)).address
    orders = od.build_orders(
        app, net.pool, requester, volume=n_tasks, trust=1, category=CAPACITY_CATEGORY
    ).sign_all(market.domain, app_owner=dev_key(APP_OWNER), scheduler=pool_key, requester=dev_key(REQUESTER))
    match = hub.functions.matchOrders(*orders.as_args())
    phase = Phase("matchOrders", n_tasks)
    phase.add(w3, dev_key(REQUESTER), match, estimate(match, dev_key(REQUESTER)), nonces, fees)
    phases = [phase.run(net.rpc_url)]
    receipt = w3.eth.get_transaction_receipt(phase.hashes[0])
    notice = hub.events.SchedulerNotice().process_receipt(receipt, errors=DISCARD)
    deal_id = "0x" + bytes(notice[0]["args"]["dealid"]).hex()
    tasks = market.task_ids(deal_id)

    # 2. initializeArray in the scheduler's batches (gas estimated on a full batch).
    phase, gas = Phase("initializeArray", INIT_BATCH), None
    for i in range(0, n_tasks, INIT_BATCH):
        idx = list(range(i, min(i + INIT_BATCH, n_tasks)))
        fn = hub.functions.initializeArray([to_bytes(hexstr=deal_id)] * len(idx), idx)
        gas = gas or estimate(fn, pool_key)
        phase.add(w3, pool_key, fn, gas, nonces, fees)
    phases.append(phase.run(net.rpc_url))

    # 3. contribute, 4. reveal: worker k takes tasks k, k + senders, ... (a deterministic digest: zero-work app).
    digest = keccak(text="ok\n")
    owner_of = {t: workers[i % senders] for i, t in enumerate(tasks)}
    phase = Phase("contribute", 1)
    gas = None
    for t in tasks:
        key = owner_of[t]
        worker = Account.from_key(key).address
        fn = hub.functions.contribute(
            to_bytes(hexstr=t),
            hashing.result_hash(t, digest),
            hashing.result_seal(worker, t, digest),
            "0x" + "00" * 20,
            b"",
            hashing.sign_authorization(pool_key, worker, t),
        )
        gas = gas or estimate(fn, key)
        phase.add(w3, key, fn, gas, nonces, fees)
    phases.append(phase.run(net.rpc_url))
    phase, gas = Phase("reveal", 1), None
    for t in tasks:
        fn = hub.functions.reveal(to_bytes(hexstr=t), digest)
        gas = gas or estimate(fn, owner_of[t])
        phase.add(w3, owner_of[t], fn, gas, nonces, fees)
    phases.append(phase.run(net.rpc_url))

    # 5. finalize, from the scheduler, with the result location the scheduler writes.
    phase, gas = Phase("finalize", 1), None
    for t in tasks:
        results = json.dumps({"storage": "scheduler", "location": f"/results/{t}"}).encode()
        fn = hub.functions.finalize(to_bytes(hexstr=t), results, b"")
        gas = gas or estimate(fn, pool_key)
        phase.add(w3, pool_key, fn, gas, nonces, fees)
    phases.append(phase.run(net.rpc_url))
    done = market.task_statuses(tasks)
    if done != [C.TASK_COMPLETED] * n_tasks:
        raise DevnetError(f"capacity run: {done.count(C.TASK_COMPLETED)} of {n_tasks} tasks completed")

    # Plain transfers: the chain's rate on the cheapest transaction, from as many senders.
    phase = Phase("ETH transfer", 0)
    sink = Account.from_key(dev_key(0)).address
    for _ in range(transfers_per_sender):
        for key in workers:
            phase.add(w3, key, {"to": sink, "value": 1, "data": b""}, 21_000, nonces, fees)
    transfer = phase.run(net.rpc_url)

    txs = sum(p["txs"] for p in phases)
    seconds = sum(p["seconds"] for p in phases)
    return {
        "pipeline": {
            "tasks": n_tasks,
            "txs": txs,
            "tx_per_task": round(txs / n_tasks, 3),
            "seconds": round(seconds, 2),
            "tx_per_s": round(txs / seconds, 1),
            "tasks_per_minute": round(60 * n_tasks / seconds, 1),
            "phases": phases,
        },
        "transfer": transfer,
    }


def median_round(rounds: list[dict]) -> dict:
    """The round with the median pipeline rate, with every round's rates kept for the spread."""
    ranked = sorted(rounds, key=lambda r: r["pipeline"]["tx_per_s"])
    chosen = dict(ranked[len(ranked) // 2])
    chosen["rounds"] = {
        "pipeline_tx_per_s": [r["pipeline"]["tx_per_s"] for r in rounds],
        "transfer_tx_per_s": [r["transfer"]["tx_per_s"] for r in rounds],
    }
    return chosen


def add_ceilings(results: list[dict], capacity: dict) -> None:
    """Per run: its transactions per task, and the tasks/min the chain's capacity allows at that ratio."""
    rate = capacity["pipeline"]["tx_per_s"]
    for r in results:
        per_task = r["chain_txs"] / max(r["completed"], 1)
        r["tx_per_task"] = round(per_task, 2)
        r["chain_ceiling_tasks_per_minute"] = round(60 * rate / per_task, 1)
        r["chain_utilization"] = round(r["chain_tx_per_s"] / rate, 3)


def write_reports(results: list[dict], capacity: dict, out_dir: Path, meta: dict) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "pipeline.json").write_text(
        json.dumps({"meta": meta, "results": results, "capacity": capacity}, indent=2) + "\n"
    )
    cap, transfer = capacity["pipeline"], capacity["transfer"]
    lines = [
        "# Pipeline benchmark (zero-work app, trust 1)",
        "",
        f"Measured {meta['date']} on {meta['machine']} by `python scripts/bench_pipeline.py` (devnet: anvil mining",
        "each transaction at once plus an empty block every idle second, one scheduler, N worker processes, app",
        "`noop`). Latency = deal matched -> task COMPLETED on chain,",
        "seen by polling every 0.2 s. The chain tx rate counts every transaction mined in the same window",
        "(matchOrders, initialize, contribute, reveal, finalize). The ceiling is what the chain itself allows at that",
        f"run's transactions per task: capacity ({cap['tx_per_s']} tx/s on the pipeline's own transactions, measured",
        "below on the same anvil in the same run) x 60 / tx per task.",
        "",
        "| workers | tasks | completed | tasks/min | latency median (s) | p90 (s) | max (s) | chain tx | tx/task "
        "| chain tx/s | capacity tx/s | chain ceiling (tasks/min) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lat = r["latency_s"]
        lines.append(
            f"| {r['workers']} | {r['tasks']} | {r['completed']} | {r['tasks_per_minute']} | {lat['median']} | "
            f"{lat['p90']} | {lat['max']} | {r['chain_txs']} | {r['tx_per_task']} | {r['chain_tx_per_s']} | "
            f"{cap['tx_per_s']} | {r['chain_ceiling_tasks_per_minute']} |"
        )
    spread = capacity["rounds"]
    lines += [
        "",
        "## Chain capacity (same anvil, same run)",
        "",
        f"After the runs above (workers and scheduler stopped), the pipeline's own transactions for a bag of "
        f"{cap['tasks']} tasks,",
        "phase by phase (each needs the previous one mined): pre-signed by their real senders, sent as fast as the node",
        "takes them (one thread per sender, JSON-RPC batches of raw transactions, no wait between them), timed from the",
        "first send to the last receipt; every receipt was checked successful and every task ended COMPLETED. Plain ETH",
        "transfers from the 16 worker accounts measure the same way the cheapest possible transaction. Under such a",
        "flood anvil packs several transactions per block (`blocks`), and leaves in the pool what does not fit its",
        "gas limit until another transaction arrives (or the next one-second block); when no receipt shows for two",
        "polls, the measurement sends `evm_mine` (`flushes`), the block the next arrival would have triggered.",
        f"Anvil: `{meta['chain']}`.",
        "",
        f"The table is the round with the median pipeline rate of {len(spread['pipeline_tx_per_s'])} rounds (a new "
        f"bag each). Pipeline mix tx/s per round, in order: {', '.join(map(str, spread['pipeline_tx_per_s']))}; "
        f"transfers: {', '.join(map(str, spread['transfer_tx_per_s']))}.",
    ]
    rates = spread["pipeline_tx_per_s"]
    if len(rates) > 2 and all(a > b for a, b in zip(rates, rates[1:], strict=False)):
        lines.append(
            f"The pipeline mix slowed down round after round (each round leaves {cap['tasks']} more tasks in the "
            "hub's storage): the median is below the rate right after the runs above."
        )
    lines += [
        "",
        "| transactions | senders | tx | tasks per tx | seconds | tx/s | gas per tx | blocks | flushes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for ph in [*cap["phases"], transfer]:
        lines.append(
            f"| {ph['kind']} | {ph['senders']} | {ph['txs']} | {ph['tasks_per_tx'] or '-'} | {ph['seconds']} | "
            f"{ph['tx_per_s']} | {ph['gas_per_tx']} | {ph['blocks']} | {ph['flushes']} |"
        )
    lines += [
        f"| **pipeline mix** | | {cap['txs']} | {round(cap['tasks'] / cap['txs'], 3)} | {cap['seconds']} | "
        f"**{cap['tx_per_s']}** | | {sum(p['blocks'] for p in cap['phases'])} | "
        f"{sum(p['flushes'] for p in cap['phases'])} |",
        "",
        f"Chain-only throughput of the whole mix: {cap['tasks']} tasks in {cap['seconds']} s = "
        f"**{cap['tasks_per_minute']} tasks/min** at {cap['tx_per_task']} tx per task (initializeArray batches of "
        f"{INIT_BATCH}).",
    ]
    (out_dir / "pipeline.md").write_text("\n".join(lines) + "\n")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workers", type=int, nargs="+", default=[1, 4, 16])
    p.add_argument("--tasks-per-worker", type=int, default=4)
    p.add_argument("--min-tasks", type=int, default=8)
    p.add_argument("--capacity-tasks", type=int, default=256, help="bag size of one chain capacity round")
    p.add_argument("--capacity-transfers", type=int, default=64, help="ETH transfers per sender (16 senders)")
    p.add_argument(
        "--capacity-rounds", type=int, default=5, help="capacity rounds; the median one is reported"
    )
    p.add_argument("--rpc-port", type=int, help="anvil's port (default: a free one)")
    p.add_argument("--scheduler-port", type=int, help="the scheduler's port (default: a free one)")
    p.add_argument("--out", default=str(REPO / "benchmarks"))
    args = p.parse_args(argv)
    if min(args.capacity_tasks, args.capacity_transfers, args.capacity_rounds) < 1:
        p.error("--capacity-tasks, --capacity-transfers and --capacity-rounds must be at least 1")
    senders = 16
    try:
        with (
            tempfile.TemporaryDirectory(prefix="bench-") as tmp,
            Devnet(
                Path(tmp),
                workers=max(*args.workers, senders),
                rpc_port=args.rpc_port,
                sched_port=args.scheduler_port,
            ) as net,
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
            net.kill("scheduler", signal.SIGTERM)  # it would act on the capacity deal of its own pool
            rounds = []
            for _ in range(args.capacity_rounds):
                rounds.append(
                    measure_capacity(net, app, args.capacity_tasks, args.capacity_transfers, senders)
                )
                print(json.dumps(rounds[-1]), flush=True)
            capacity = median_round(rounds)
            anvil = [Path(a).name if i == 0 else a for i, a in enumerate(net.procs["anvil"].popen.args)]
    except DevnetError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    add_ceilings(results, capacity)
    meta = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "chain": " ".join(anvil),
    }
    write_reports(results, capacity, Path(args.out), meta)
    print(f"written {Path(args.out) / 'pipeline.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
