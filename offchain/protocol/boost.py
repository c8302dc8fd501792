"""Money of a PoCo Boost deal, in nRLC; pure Python, no brownie. Its deadline is deadlines.contribution_deadline."""

from __future__ import annotations

from dataclasses import dataclass

# The rules shared with a classic deal live in rewards.py; re-exported so callers can say boost.scheduler_stake.
from .rewards import kitty_slice, scheduler_stake, worker_reward

__all__ = [
    "BOOST_MAX_BOT",
    "BOOST_MAX_TRUST",
    "BoostPrices",
    "kitty_slice",
    "scheduler_stake",
    "worker_reward",
]

BOOST_MAX_TRUST = 1
BOOST_MAX_BOT = 2**16 - 1  # botFirst and botSize are uint16 in DealBoost


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
