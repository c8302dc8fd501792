"""Who is paid what when a task settles (SPECIFICATION §3.9, §4.6, §4.8, §4.10). Integer math as in the contract."""

from __future__ import annotations

from dataclasses import dataclass

from .constants import KITTY_MIN, KITTY_RATIO, WORKERPOOL_STAKE_RATIO


def pct(value: int, ratio: int) -> int:
    """Per-task percentage, floored."""
    return value * ratio // 100


def scheduler_stake(workerpool_price: int) -> int:
    """What the scheduler locks per task at match time and gets back (success) or loses to the kitty (claim)."""
    return pct(workerpool_price, WORKERPOOL_STAKE_RATIO)


def kitty_slice(kitty: int) -> int:
    """What a successful task takes from the kitty for its scheduler: min(max(10 % of K, 1 RLC), K)."""
    if kitty <= 0:
        return 0
    return min(max(pct(kitty, KITTY_RATIO), KITTY_MIN), kitty)


@dataclass(frozen=True)
class Split:
    """distributeRewards' result: per worker reward (proved workers), seized stakes, and the scheduler's part."""

    worker_rewards: dict[str, int]
    seized: dict[str, int]
    scheduler_reward: int


def distribute_rewards(
    workerpool_price: int, worker_stake: int, scheduler_ratio: int, contributors: list[tuple[str, bool, int]]
) -> Split:
    """``contributors`` = (worker, proved, log_weight) in contribution order.

    The pot is the workerpool price plus the stake of every contributor who did not prove the result; workers get
    pct(pot, 100 - ratio) in proportion to their log-weights (floored), the scheduler the rest (dust included).
    """
    total_reward = workerpool_price
    total_log_weight = 0
    for _, proved, weight in contributors:
        if proved:
            total_log_weight += weight
        else:
            total_reward += worker_stake
    workers_reward = pct(total_reward, 100 - scheduler_ratio)
    rewards: dict[str, int] = {}
    seized: dict[str, int] = {}
    for worker, proved, weight in contributors:
        if proved:
            share = workers_reward * weight // total_log_weight
            total_reward -= share
            rewards[worker] = share
        else:
            seized[worker] = worker_stake
    return Split(rewards, seized, total_reward)


def worker_reward(workerpool_price: int, scheduler_ratio: int) -> int:
    """A task paid to one worker (contributeAndFinalize, a Boost push): pct(price, 100 - ratio); the scheduler the
    rest."""
    return pct(workerpool_price, 100 - scheduler_ratio)
