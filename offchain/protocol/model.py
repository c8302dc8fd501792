"""A pure-Python model of deals, tasks and the escrow, step for step like the hub (SPECIFICATION §1.3, §4).

Tests replay the same calls on this model and on the chain and compare; the scheduler uses it to predict outcomes.
Every rejection raises :class:`Rejected` named after the contract's custom error, with the same arguments.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from . import deadlines
from .consensus import Consensus, log_weight, penalized_score, worker_weight
from .constants import (
    CONTRIBUTION_CONTRIBUTED,
    CONTRIBUTION_PROVED,
    CONTRIBUTION_REJECTED,
    CONTRIBUTION_UNSET,
    KITTY_ADDRESS,
    MAX_CONTRIBUTORS,
    TASK_ACTIVE,
    TASK_COMPLETED,
    TASK_FAILED,
    TASK_REVEALING,
    TASK_UNSET,
)
from .hashing import ZERO_ADDRESS, result_hash, result_seal
from .rewards import distribute_rewards, kitty_slice, scheduler_stake, worker_reward

HUB = "hub"  # the escrow's own account: balance[hub] == sum of frozen amounts


class Rejected(Exception):
    """The call would revert with custom error ``name(*args)``."""

    def __init__(self, name: str, *args):
        super().__init__(f"{name}: {', '.join(map(str, args))}")
        self.name = name
        self.args_ = args


@dataclass
class Ledger:
    """Free balances and frozen amounts, with the four escrow primitives. Events are recorded in order."""

    balances: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    frozens: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    events: list[tuple] = field(default_factory=list)

    def lock(self, account: str, value: int) -> None:
        if self.balances[account] < value:
            raise Rejected("InsufficientBalance", account, self.balances[account], value)
        self.balances[account] -= value
        self.balances[HUB] += value
        self.frozens[account] += value
        self.events.append(("Lock", account, value))

    def unlock(self, account: str, value: int) -> None:
        self.frozens[account] -= value
        self.balances[HUB] -= value
        self.balances[account] += value
        self.events.append(("Unlock", account, value))

    def reward(self, account: str, value: int, ref: bytes) -> None:
        self.balances[HUB] -= value
        self.balances[account] += value
        self.events.append(("Reward", account, value))

    def seize(self, account: str, value: int, ref: bytes) -> None:
        self.frozens[account] -= value
        self.events.append(("Seize", account, value))

    def reward_kitty(self, value: int) -> None:
        self.frozens[KITTY_ADDRESS] += value
        self.events.append(("Reward", KITTY_ADDRESS, value))
        self.events.append(("Lock", KITTY_ADDRESS, value))


@dataclass
class DealModel:
    """The fields of a deal that tasks use. Prices in nRLC; ``start_time`` is the match block's timestamp."""

    sponsor: str
    scheduler: str
    app_owner: str
    app_price: int
    workerpool_price: int
    worker_stake: int
    scheduler_ratio: int
    trust: int
    start_time: int
    timeref: int
    dataset_owner: str | None = None
    dataset_price: int = 0
    callback: str | None = None
    tee: bool = False

    @property
    def task_price(self) -> int:
        return self.app_price + self.dataset_price + self.workerpool_price


@dataclass
class ContributionModel:
    status: int
    result_hash: bytes
    result_seal: bytes
    log_weight: int


@dataclass
class TaskModel:
    """One classic task. Methods mirror the hub's functions: they check in the contract's order, raise
    :class:`Rejected`, or apply the effects on ``ledger`` and ``scores``."""

    task_id: bytes
    deal: DealModel
    status: int = TASK_UNSET
    contribution_deadline: int = 0
    final_deadline: int = 0
    reveal_deadline: int = 0
    consensus_value: bytes = b"\0" * 32
    reveal_counter: int = 0
    winner_counter: int = 0
    result_digest: bytes = b"\0" * 32
    contributors: list[str] = field(default_factory=list)
    contributions: dict[str, ContributionModel] = field(default_factory=dict)
    consensus: Consensus | None = None
    results: bytes = b""

    # -- lifecycle ----------------------------------------------------------------------------------------------
    def initialize(self) -> None:
        if self.status != TASK_UNSET:
            raise Rejected("TaskAlreadyInitialized", self.task_id)
        self.status = TASK_ACTIVE
        self.consensus = Consensus(self.deal.trust)
        self.contribution_deadline = deadlines.contribution_deadline(self.deal.start_time, self.deal.timeref)
        self.final_deadline = deadlines.final_deadline(self.deal.start_time, self.deal.timeref)

    def contribute(
        self, worker: str, res_hash: bytes, res_seal: bytes, now: int, ledger: Ledger, scores
    ) -> None:
        """Authorization and enclave checks are the caller's business (they depend on keys, not on the state)."""
        if self.status != TASK_ACTIVE:
            raise Rejected("TaskNotActive", self.task_id, self.status)
        if not deadlines.is_open(self.contribution_deadline, now):
            raise Rejected("ContributionDeadlineReached", self.task_id, self.contribution_deadline)
        if worker in self.contributions:
            raise Rejected("AlreadyContributed", self.task_id, worker)
        if res_hash == b"\0" * 32:
            raise Rejected("ZeroResultHash", self.task_id)
        if res_seal == b"\0" * 32:
            raise Rejected("ZeroResultSeal", self.task_id)
        if len(self.contributors) >= MAX_CONTRIBUTORS:
            raise Rejected("TooManyContributors", self.task_id, MAX_CONTRIBUTORS)
        weight = worker_weight(scores.get(worker, 0))
        ledger.lock(worker, self.deal.worker_stake)
        self.contributions[worker] = ContributionModel(
            CONTRIBUTION_CONTRIBUTED, res_hash, res_seal, log_weight(weight)
        )
        self.contributors.append(worker)
        if self.consensus.contribute(res_hash, weight):
            self.status = TASK_REVEALING
            self.consensus_value = res_hash
            self.reveal_deadline = deadlines.reveal_deadline(now, self.deal.timeref)
            self.winner_counter = sum(
                1
                for c in self.contributions.values()
                if c.result_hash == res_hash and c.status == CONTRIBUTION_CONTRIBUTED
            )

    def reveal(self, worker: str, digest: bytes, now: int) -> None:
        if self.status != TASK_REVEALING:
            raise Rejected("TaskNotRevealing", self.task_id, self.status)
        if not deadlines.is_open(self.reveal_deadline, now):
            raise Rejected("RevealDeadlineReached", self.task_id, self.reveal_deadline)
        c = self.contributions.get(worker)
        status = c.status if c else CONTRIBUTION_UNSET
        if status != CONTRIBUTION_CONTRIBUTED:
            raise Rejected("NotContributed", self.task_id, worker, status)
        if c.result_hash != self.consensus_value:
            raise Rejected("ContributionNotConsensus", self.task_id, c.result_hash, self.consensus_value)
        if result_hash(self.task_id, digest) != c.result_hash:
            raise Rejected("ResultHashMismatch", self.task_id, digest)
        if result_seal(worker, self.task_id, digest) != c.result_seal:
            raise Rejected("ResultSealMismatch", self.task_id, worker)
        c.status = CONTRIBUTION_PROVED
        self.reveal_counter += 1
        self.result_digest = digest

    def reopen(self, caller: str, now: int) -> None:
        scheduler = self._scheduler()
        if caller != scheduler:
            raise Rejected("CallerIsNotTheScheduler", caller, scheduler)
        if self.status != TASK_REVEALING:
            raise Rejected("TaskNotRevealing", self.task_id, self.status)
        if not deadlines.is_open(self.final_deadline, now):
            raise Rejected("FinalDeadlineReached", self.task_id, self.final_deadline)
        if deadlines.is_open(self.reveal_deadline, now):
            raise Rejected("RevealDeadlineNotReached", self.task_id, self.reveal_deadline)
        if self.reveal_counter != 0:
            raise Rejected("TaskAlreadyRevealed", self.task_id, self.reveal_counter)
        for c in self.contributions.values():
            if c.result_hash == self.consensus_value and c.status == CONTRIBUTION_CONTRIBUTED:
                c.status = CONTRIBUTION_REJECTED
        self.consensus.drop(self.consensus_value)
        self.status = TASK_ACTIVE
        self.consensus_value = b"\0" * 32
        self.reveal_deadline = 0
        self.winner_counter = 0

    def can_finalize(self, now: int) -> bool:
        return self.reveal_counter == self.winner_counter or (
            self.reveal_counter > 0 and not deadlines.is_open(self.reveal_deadline, now)
        )

    def finalize(self, caller: str, now: int, ledger: Ledger, scores, results: bytes = b"") -> None:
        """Callback data checks are left to the caller (they only compare bytes)."""
        scheduler = self._scheduler()
        if caller != scheduler:
            raise Rejected("CallerIsNotTheScheduler", caller, scheduler)
        if self.status != TASK_REVEALING:
            raise Rejected("TaskNotRevealing", self.task_id, self.status)
        if not deadlines.is_open(self.final_deadline, now):
            raise Rejected("FinalDeadlineReached", self.task_id, self.final_deadline)
        if not self.can_finalize(now):
            raise Rejected(
                "RevealsMissing", self.task_id, self.reveal_counter, self.winner_counter, self.reveal_deadline
            )
        self.status = TASK_COMPLETED
        self.results = results
        self._success_work(ledger)
        deal = self.deal
        split = distribute_rewards(
            deal.workerpool_price,
            deal.worker_stake,
            deal.scheduler_ratio,
            [
                (w, self.contributions[w].status == CONTRIBUTION_PROVED, self.contributions[w].log_weight)
                for w in self.contributors
            ],
        )
        replicated = len(self.contributors) > 1
        for worker in self.contributors:
            if worker in split.worker_rewards:
                ledger.unlock(worker, deal.worker_stake)
                ledger.reward(worker, split.worker_rewards[worker], self.task_id)
                if replicated:
                    scores[worker] = scores.get(worker, 0) + 1
            else:
                ledger.seize(worker, deal.worker_stake, self.task_id)
                scores[worker] = penalized_score(scores.get(worker, 0))
        ledger.reward(deal.scheduler, split.scheduler_reward, self.task_id)

    def contribute_and_finalize(
        self, worker: str, digest: bytes, now: int, ledger: Ledger, results=b""
    ) -> None:
        if self.status != TASK_ACTIVE:
            raise Rejected("TaskNotActive", self.task_id, self.status)
        if not deadlines.is_open(self.contribution_deadline, now):
            raise Rejected("ContributionDeadlineReached", self.task_id, self.contribution_deadline)
        if self.contributors:
            raise Rejected("TaskHasContributions", self.task_id, len(self.contributors))
        if self.deal.trust != 1:
            raise Rejected("TrustIsNotOne", self.task_id, self.deal.trust)
        res_hash = result_hash(self.task_id, digest)
        self.contributions[worker] = ContributionModel(
            CONTRIBUTION_PROVED, res_hash, result_seal(worker, self.task_id, digest), 0
        )
        self.contributors.append(worker)
        self.status = TASK_COMPLETED
        self.consensus_value = res_hash
        self.reveal_deadline = deadlines.reveal_deadline(now, self.deal.timeref)
        self.reveal_counter = self.winner_counter = 1
        self.result_digest = digest
        self.results = results
        self._success_work(ledger)
        reward = worker_reward(self.deal.workerpool_price, self.deal.scheduler_ratio)
        ledger.reward(worker, reward, self.task_id)
        ledger.reward(self.deal.scheduler, self.deal.workerpool_price - reward, self.task_id)

    def claim(self, now: int, ledger: Ledger) -> None:
        if self.status not in (TASK_ACTIVE, TASK_REVEALING):
            raise Rejected("TaskNotClaimable", self.task_id, self.status)
        if deadlines.is_open(self.final_deadline, now):
            raise Rejected("FinalDeadlineNotReached", self.task_id, self.final_deadline)
        self.status = TASK_FAILED
        ledger.unlock(self.deal.sponsor, self.deal.task_price)
        stake = scheduler_stake(self.deal.workerpool_price)
        ledger.seize(self.deal.scheduler, stake, self.task_id)
        ledger.reward_kitty(stake)
        for worker in self.contributors:
            ledger.unlock(worker, self.deal.worker_stake)

    # -- helpers ------------------------------------------------------------------------------------------------
    def _scheduler(self) -> str:
        """The hub finds the deal through the task: an uninitialized task has none, hence no scheduler."""
        return self.deal.scheduler if self.status != TASK_UNSET else ZERO_ADDRESS

    def _success_work(self, ledger: Ledger) -> None:
        deal = self.deal
        ledger.seize(deal.sponsor, deal.task_price, self.task_id)
        if deal.app_price:
            ledger.reward(deal.app_owner, deal.app_price, self.task_id)
        if deal.dataset_price:
            ledger.reward(deal.dataset_owner, deal.dataset_price, self.task_id)
        ledger.unlock(deal.scheduler, scheduler_stake(deal.workerpool_price))
        slice_ = kitty_slice(ledger.frozens[KITTY_ADDRESS])
        if slice_:
            ledger.seize(KITTY_ADDRESS, slice_, self.task_id)
            ledger.reward(deal.scheduler, slice_, self.task_id)
