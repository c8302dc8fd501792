"""Reference model of on-chain consensus (SPECIFICATION §4.4) and the scheduler's predictor built on it.

Contract rule, per contribution of a worker with score s voting hash h:
    weight = max(s // 3, 3) - 1                      (a fresh worker weighs 2)
    group[h] = max(group[h], 1) * weight              (product of the voters' weights)
    total    = 1 + sum(group)                         (starts at 1 at initialize)
    consensus on h  iff  group[h] * trust > total * (trust - 1)
"""

from __future__ import annotations

from collections.abc import Iterable

from offchain.protocol.constants import MAX_CONTRIBUTORS


def worker_weight(score: int) -> int:
    """max(score // 3, 3) - 1: at least 2, so a fresh worker still moves credibility."""
    return max(score // 3, 3) - 1


def log_weight(weight: int) -> int:
    """floor(log2(weight)), the reward share stored in a contribution (SPECIFICATION §12.4: floor, not ceil)."""
    if weight <= 0:
        raise ValueError("weight must be positive")
    return weight.bit_length() - 1


def penalized_score(score: int) -> int:
    """Score after a fault (wrong hash, or no reveal): score * 2 // 3."""
    return score * 2 // 3


def consensus_reached(group: int, total: int, trust: int) -> bool:
    """The credibility test, strict: group * trust > total * (trust - 1), trust being the deal's (>= 1)."""
    return group * trust > total * (trust - 1)


class Consensus:
    """Mirror of the contract's per-task consensus counters."""

    def __init__(self, trust: int):
        self.trust = max(int(trust), 1)
        self.groups: dict[str, int] = {}
        self.total = 1

    def contribute(self, result_hash: str, weight: int) -> bool:
        """Add one contribution; returns True when it reaches consensus on `result_hash`."""
        g = self.groups.get(result_hash, 0)
        delta = max(g, 1) * weight - g
        self.groups[result_hash] = g + delta
        self.total += delta
        return self.reached(result_hash)

    def reached(self, result_hash: str) -> bool:
        return consensus_reached(self.groups.get(result_hash, 0), self.total, self.trust)

    def drop(self, result_hash: str) -> None:
        """A reopen: the group of the failed consensus is emptied (its voters are rejected)."""
        self.total -= self.groups.get(result_hash, 0)
        self.groups[result_hash] = 0


def needs_more_workers(
    trust: int,
    contributed: Iterable[tuple[str, int]],
    pending: Iterable[int],
    max_contributors: int = MAX_CONTRIBUTORS,
) -> bool:
    """Should the scheduler hand this task to one more worker?

    `contributed` = (result hash, weight) of contributions made, `pending` = weights of live replicates that have not
    contributed yet. Optimistic prediction, as iexec-core does: assume every pending replicate agrees with the best
    group so far; ask for another worker only when even that would not reach consensus.
    """
    contributed = list(contributed)
    pending = list(pending)
    if len(contributed) + len(pending) >= max_contributors:
        return False
    if max(int(trust), 1) <= 1:
        return not contributed and not pending
    model = Consensus(trust)
    for result_hash, weight in contributed:
        model.contribute(result_hash, weight)
    best = max(model.groups, key=lambda h: (model.groups[h], h)) if model.groups else "__predicted__"
    for weight in pending:
        model.contribute(best, weight)
    return not model.reached(best)


def workers_needed(trust: int, weight: int = 2) -> int:
    """How many agreeing workers of equal weight reach consensus at `trust` (trust 4 -> 2, trust 8 -> 3 when fresh)."""
    model = Consensus(trust)
    for n in range(1, MAX_CONTRIBUTORS + 1):
        if model.contribute("h", weight):
            return n
    return MAX_CONTRIBUTORS
