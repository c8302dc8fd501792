"""What the worker needs to take work: a node producing blocks, ETH for gas, the stake a task locks, disk space.

Each check returns None when fine, else one line saying what is missing (amount needed vs present). The CLI runs them
before starting (a problem: one line, exit 1); the worker runs them again periodically and pauses taking work while
one fails (pauses.py), so a condition appearing at run time gives a warning, never a traceback loop.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# Gas of one task's transactions: contribute (up to ~215k) + reveal (up to ~65k), the measured figures of
# benchmarks/gas.md rounded up; a deposit adds approve + deposit.
TASK_GAS = 300_000
DEPOSIT_GAS = 130_000
MB = 1024 * 1024


def eth(wei: int) -> str:
    return f"{wei / 10**18:.6f} ETH"


def disk_problem(workdir: Path, min_free_mb: int) -> str | None:
    free = shutil.disk_usage(workdir).free
    if free < min_free_mb * MB:
        return f"only {free // MB} MB free under {workdir}, {min_free_mb} MB needed"
    return None


@dataclass
class Needs:
    cpus: int = 1  # tasks in flight: each needs its gas and locks its stake
    deposit: int = 0  # --deposit: nRLC the worker may deposit by itself
    max_block_age: float = 120.0  # seconds; 0 turns the check off (a chain mining only on demand)


class ChainChecks:
    """The chain-side checks, on a `WorkerChain` (head, balance, gas price, stake)."""

    def __init__(self, chain, needs: Needs, wall: Callable[[], float] = time.time):
        self.chain, self.needs, self.wall = chain, needs, wall

    def node(self) -> str | None:
        number, timestamp = self.chain.head()
        age = self.wall() - timestamp
        if self.needs.max_block_age > 0 and age > self.needs.max_block_age:
            return (
                f"the chain node's latest block (#{number}) is {age:.0f} s old (limit {self.needs.max_block_age:.0f}"
                " s): it is not producing blocks or not synced"
            )
        return None

    def gas_needed(self) -> tuple[int, int, int]:
        """(wei, gas, gas price) the worker must hold to send its transactions for `cpus` tasks."""
        gas = TASK_GAS * self.needs.cpus + (DEPOSIT_GAS if self.needs.deposit > 0 else 0)
        price = self.chain.gas_price()
        return gas * price, gas, price

    def gas(self) -> str | None:
        needed, gas, price = self.gas_needed()
        have = self.chain.eth_balance()
        if have < needed:
            return (
                f"not enough ETH for gas on {self.chain.address}: {eth(needed)} needed ({gas} gas at {price} wei),"
                f" {eth(have)} present"
            )
        return None

    def stake(self, needed: int | None) -> str | None:
        """`needed`: nRLC of free stake the next tasks lock (None: not known yet)."""
        if not needed:
            return None
        have = self.chain.stake()
        if have >= needed:
            return None
        return (
            f"stake too low on {self.chain.address}: {have} nRLC free, {needed} nRLC needed"
            f" (deposit {needed - have} nRLC, or run the worker with --deposit)"
        )

    def all(self, stake_needed: int | None) -> dict[str, str]:
        """name -> problem, for every failing check (node first: the others need it)."""
        problem = self.node()
        if problem:
            return {"node": problem}
        found = {"gas": self.gas(), "stake": self.stake(stake_needed)}
        return {name: text for name, text in found.items() if text}
