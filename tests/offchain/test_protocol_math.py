"""The pure-Python protocol math (offchain/protocol: consensus, rewards, deadlines) against hand-computed values."""

from brownie.test import given
from hypothesis import strategies as st

from offchain.protocol import deadlines
from offchain.protocol.consensus import (
    Consensus,
    consensus_reached,
    log_weight,
    penalized_score,
    worker_weight,
    workers_needed,
)
from offchain.protocol.constants import KITTY_MIN
from offchain.protocol.rewards import (
    distribute_rewards,
    kitty_slice,
    pct,
    scheduler_stake,
    worker_reward,
)


def test_worker_weight_is_at_least_two():
    assert [worker_weight(s) for s in (0, 1, 8, 9, 11, 12, 30, 300)] == [2, 2, 2, 2, 2, 3, 9, 99]


def test_log_weight_is_floored():
    assert [log_weight(w) for w in (2, 3, 4, 7, 8, 99)] == [1, 1, 2, 2, 3, 6]


def test_penalty_is_two_thirds_floored():
    assert [penalized_score(s) for s in (0, 1, 2, 3, 10)] == [0, 0, 1, 2, 6]


def test_consensus_test_is_strict():
    # trust 2 needs credibility > 1/2: group 2 of total 3 passes, 1 of 2 (group*2 == total) does not
    assert consensus_reached(2, 3, 2)
    assert not consensus_reached(1, 2, 2)
    assert consensus_reached(1, 1_000, 1)  # trust 1: the first vote always wins


def test_fresh_workers_needed_per_trust():
    assert [workers_needed(t) for t in (0, 1, 2, 3, 4, 5, 8, 10, 100)] == [1, 1, 1, 2, 2, 3, 3, 4, 7]


def test_high_score_worker_alone_reaches_trust_5():
    assert workers_needed(5, worker_weight(15)) == 2  # weight 4: 4 * 5 > 5 * 4 fails (strict)
    assert workers_needed(5, worker_weight(18)) == 1  # weight 5: 5 * 5 > 6 * 4


def test_votes_multiply_group_and_sum_total():
    c = Consensus(trust=100)
    c.contribute("a", 2)
    c.contribute("b", 2)
    c.contribute("a", 3)
    assert c.groups == {"a": 6, "b": 2}
    assert c.total == 1 + 6 + 2
    c.drop("a")
    assert c.groups["a"] == 0 and c.total == 3


def test_kitty_slice():
    assert kitty_slice(0) == 0
    assert kitty_slice(KITTY_MIN // 2) == KITTY_MIN // 2  # all of a small kitty
    assert kitty_slice(5 * KITTY_MIN) == KITTY_MIN  # at least 1 RLC
    assert kitty_slice(20 * KITTY_MIN) == 2 * KITTY_MIN  # 10 %


def test_distribute_rewards_example():
    # price 100, stake 30, ratio 1; A and B proved (log-weights 1 and 2), C wrong: pot 130, workers 128
    split = distribute_rewards(100, 30, 1, [("A", True, 1), ("B", True, 2), ("C", False, 1)])
    assert split.worker_rewards == {"A": 42, "B": 85}
    assert split.seized == {"C": 30}
    assert split.scheduler_reward == 130 - 42 - 85


def test_worker_reward_and_scheduler_stake():
    assert worker_reward(2_000_000_000, 1) == 1_980_000_000
    assert scheduler_stake(2_000_000_001) == 600_000_000
    assert scheduler_stake(7) * 10 == 20  # a deal locks pct per task, then times volume: not pct(70, 30) = 21


@given(
    price=st.integers(0, 2**96 - 1),
    stake=st.integers(0, 2**96 - 1),
    ratio=st.integers(0, 100),
    voters=st.lists(st.tuples(st.booleans(), st.integers(1, 20)), min_size=1, max_size=8),
)
def test_distribute_rewards_conserves_value(price, stake, ratio, voters):
    voters[0] = (True, voters[0][1])  # finalize needs at least one proved worker
    contributors = [(f"w{i}", proved, weight) for i, (proved, weight) in enumerate(voters)]
    split = distribute_rewards(price, stake, ratio, contributors)
    pot = price + stake * sum(1 for _, proved, _ in contributors if not proved)
    assert sum(split.worker_rewards.values()) + split.scheduler_reward == pot
    assert split.scheduler_reward >= pct(pot, ratio)  # the scheduler gets its ratio and the dust
    total_weight = sum(w for _, proved, w in contributors if proved)
    for worker, proved, weight in contributors:
        if proved:
            assert split.worker_rewards[worker] == pct(pot, 100 - ratio) * weight // total_weight


def test_deadlines_are_strict():
    start, ref = 1_000, 300
    assert deadlines.contribution_deadline(start, ref) == 3_100
    assert deadlines.final_deadline(start, ref) == 4_000
    assert deadlines.reveal_deadline(2_000, ref) == 2_600
    assert deadlines.is_open(4_000, 3_999) and not deadlines.is_open(4_000, 4_000)
