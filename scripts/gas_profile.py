"""Where a transaction's gas goes: opcode groups of the benchmark's Boost and classic transactions.

Needs a chain that records steps: start `anvil --port $BROWNIE_PORT --accounts 30 --gas-limit 30000000
--block-base-fee-per-gas 0 --hardfork prague --steps-tracing` first, then run
`python tools/brownie_run.py scripts/gas_profile.py` (brownie attaches to it); with GAS_PROFILE_STORAGE=1 it
lists the storage reads and writes of a Boost match and push instead. Each transaction is replayed with anvil's
`debug_traceTransaction`; the gas of an opcode is the drop in remaining gas until the next step at the same depth
(so a CALL carries what its callee spent). A development aid for the gas work of `make bench`, not a benchmark.
"""

from __future__ import annotations

import os
from collections import Counter

from brownie import web3

from scripts.benchmark import Bench

GROUPS = {
    "SSTORE": "sstore",
    "SLOAD": "sload",
    "KECCAK256": "keccak",
    "STATICCALL": "calls",
    "CALL": "calls",
    "DELEGATECALL": "calls",
    "LOG0": "logs",
    "LOG1": "logs",
    "LOG2": "logs",
    "LOG3": "logs",
    "LOG4": "logs",
}


def profile(tx) -> tuple[int, Counter]:
    trace = web3.provider.make_request(
        "debug_traceTransaction",
        [tx.txid, {"disableStorage": True, "disableMemory": True, "disableStack": True}],
    )
    steps = trace["result"]["structLogs"]
    if not steps:
        raise SystemExit(
            "gas_profile: the chain returned no steps; start anvil with --steps-tracing (see above)"
        )
    groups: Counter = Counter()
    for i, step in enumerate(steps):
        if step["depth"] != 1:
            continue
        following = next((s for s in steps[i + 1 :] if s["depth"] == 1), None)
        cost = step["gas"] - following["gas"] if following else step["gasCost"]
        groups[GROUPS.get(step["op"], "other")] += cost
        if step["op"] in ("SSTORE", "LOG1", "LOG2", "LOG3", "LOG4", "STATICCALL", "CALL"):
            groups[f"#{step['op']}"] += 1
    execution = sum(v for k, v in groups.items() if not k.startswith("#"))
    return tx.gas_used - execution, groups


def storage_ops(tx) -> list[str]:
    """Every SLOAD / SSTORE of the top call frame with its slot and cost, in order."""
    trace = web3.provider.make_request(
        "debug_traceTransaction", [tx.txid, {"disableStorage": True, "disableMemory": True}]
    )
    steps = trace["result"]["structLogs"]
    ops = []
    for i, step in enumerate(steps):
        if step["depth"] == 1 and step["op"] in ("SLOAD", "SSTORE"):
            slot = step["stack"][-1]
            cost = step["gas"] - steps[i + 1]["gas"]
            ops.append(f"{step['op']} {slot[-8:]} {cost}")
    return ops


def show(label: str, tx) -> None:
    intrinsic, groups = profile(tx)
    parts = ", ".join(f"{k} {v:,}" for k, v in sorted(groups.items()))
    print(f"{label}: gasUsed {tx.gas_used:,}; intrinsic+refund {intrinsic:,}; {parts}")


def main() -> None:
    bench = Bench()
    if os.environ.get("GAS_PROFILE_STORAGE"):
        dealid, match_tx = bench.match(trust=1, boost=True, volume=10)
        print("\n".join(storage_ops(match_tx)))
        tx = bench.push_boost(dealid, 0)
        print("push:\n" + "\n".join(storage_ops(tx)))
        return
    for volume, with_dataset in ((1, False), (1, True), (10, False)):
        dealid, match_tx = bench.match(trust=1, boost=True, volume=volume, with_dataset=with_dataset)
        label = f"volume {volume}{' with dataset' if with_dataset else ''}"
        show(f"matchOrdersBoost {label}", match_tx)
        for index in range(min(volume, 3)):
            tx = bench.push_boost(dealid, index)
            show(f"pushResultBoost {label} #{index}", tx)
