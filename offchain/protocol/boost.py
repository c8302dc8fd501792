"""Money and time of a PoCo Boost deal (PROTOCOL §4.11), in nRLC and seconds; pure Python, no brownie."""

from __future__ import annotations

from dataclasses import dataclass

from offchain.protocol.constants import (
    CONTRIBUTION_DEADLINE_RATIO,
    KITTY_MIN,
    KITTY_RATIO,
    WORKERPOOL_STAKE_RATIO,
)

BOOST_MAX_TRUST = 1
BOOST_MAX_BOT = 2**16 - 1  # botFirst and botSize are uint16 in DealBoost


def pct(value: int, ratio: int) -> int:
    return value * ratio // 100


def worker_reward(workerpool_price: int, scheduler_reward_ratio: int) -> int:
    """What the worker of a Boost task earns: the workerpool price minus the scheduler's ratio (floored)."""
    return pct(workerpool_price, 100 - scheduler_reward_ratio)


def scheduler_stake(workerpool_price: int) -> int:
    """The scheduler's stake per task, locked at match."""
    return pct(workerpool_price, WORKERPOOL_STAKE_RATIO)


def kitty_slice(kitty: int) -> int:
    """The part of the kitty paid to the scheduler of a completed task: min(max(10 % K, KITTY_MIN), K)."""
    return min(max(pct(kitty, KITTY_RATIO), KITTY_MIN), kitty)


def deadline(match_time: int, work_clock_time_ref: int) -> int:
    """A Boost deal's deadline: push strictly before it, claim from it on."""
    return match_time + CONTRIBUTION_DEADLINE_RATIO * work_clock_time_ref


@dataclass(frozen=True)
class BoostPrices:
    app: int
    dataset: int
    workerpool: int
    scheduler_reward_ratio: int = 1

    @property
    def task(self) -> int:
        return self.app + self.dataset + self.workerpool

    def match_locks(self, volume: int) -> tuple[int, int]:
        """(sponsor lock, scheduler lock) of a match of ``volume`` tasks: percentage per task first, then × volume."""
        return self.task * volume, scheduler_stake(self.workerpool) * volume

    def push_payouts(self, kitty: int) -> dict[str, int]:
        """Per-role changes of a successful push, given the kitty's frozen amount before it.

        Free-balance gains for worker/app/dataset/scheduler, frozen losses for sponsor/scheduler/kitty.
        """
        reward = worker_reward(self.workerpool, self.scheduler_reward_ratio)
        stake = scheduler_stake(self.workerpool)
        slice_ = kitty_slice(kitty) if kitty else 0
        return {
            "worker": reward,
            "app": self.app,
            "dataset": self.dataset,
            "scheduler": stake + self.workerpool - reward + slice_,
            "sponsor_frozen": -self.task,
            "scheduler_frozen": -stake,
            "kitty_frozen": -slice_,
        }

    def claim_changes(self) -> dict[str, int]:
        """Per-role changes of a claim: the sponsor is refunded, the scheduler's stake moves to the kitty."""
        stake = scheduler_stake(self.workerpool)
        return {
            "sponsor": self.task,
            "sponsor_frozen": -self.task,
            "scheduler_frozen": -stake,
            "kitty_frozen": stake,
        }
