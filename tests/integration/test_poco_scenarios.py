"""The scenario matrix of SPECIFICATION §9 (one worker W, classic flow): W's stake, score and reward in each row.

Prices: app 1 RLC, workerpool 2 RLC, worker stake 30 % (0.6 RLC), scheduler ratio 1 %. Amounts are checked
exactly, as deltas from the moment W's behaviour starts (W's score is raised first where the row needs a visible
x 2/3).
"""

from fixtures.chain import escrow_state, next_block_at
from fixtures.poco import WORKERPOOL_PRICE, digest_of

from offchain.protocol.constants import (
    CONTRIBUTION_REJECTED,
    TASK_COMPLETED,
    TASK_FAILED,
)

X = digest_of("consensus")
Y = digest_of("another")
STAKE = WORKERPOOL_PRICE * 30 // 100


def pct(value, ratio):
    return value * ratio // 100


def _delta(before, after, account):
    (b0, f0), (b1, f1) = before[account.address], after[account.address]
    return b1 - b0, f1 - f0


def test_scenario_did_not_contribute(new_task, workers, hub):
    w = workers[5]
    before = escrow_state(hub, w)
    task = new_task(trust=3)
    for v in workers[:2]:
        task.contribute(v, X)
    for v in workers[:2]:
        task.reveal(v, X)
    tx = task.finalize(b"")
    assert escrow_state(hub, w) == before
    assert hub.viewScore(w) == 0
    assert "FaultyContribution" not in tx.events
    assert w not in [event["worker"] for event in tx.events["AccurateContribution"]]


def test_scenario_consensus_revealed_replicated(new_task, workers, hub, scheduler):
    # trust 5 needs three fresh workers; the pot (2 RLC) minus 1 % is shared by equal log-weights
    winners = workers[:3]
    before = escrow_state(hub, scheduler, *winners)
    task = new_task(trust=5)
    for w in winners:
        task.contribute(w, X)
    for w in winners:
        task.reveal(w, X)
    tx = task.finalize(b"")
    after = escrow_state(hub, scheduler, *winners)
    share = pct(WORKERPOOL_PRICE, 99) // 3
    for w in winners:
        assert _delta(before, after, w) == (share, 0)
        assert hub.viewScore(w) == 1
    assert [e["worker"] for e in tx.events["AccurateContribution"]] == list(winners)
    assert _delta(before, after, scheduler) == (WORKERPOOL_PRICE - 3 * share, 0)


def test_scenario_only_contributor(new_task, workers, hub, raise_score):
    w = workers[0]
    raise_score(w, 3)
    before = escrow_state(hub, w)
    task = new_task(trust=2)  # a fresh-weight worker alone reaches trust 2
    task.contribute(w, X)
    task.reveal(w, X)
    tx = task.finalize(b"")
    assert _delta(before, escrow_state(hub, w), w) == (pct(WORKERPOOL_PRICE, 99), 0)
    assert hub.viewScore(w) == 3
    assert "AccurateContribution" not in tx.events


def test_scenario_contributed_another_hash(new_task, workers, hub, raise_score):
    w = workers[0]
    raise_score(w, 3)
    before = escrow_state(hub, *workers[:4])
    task = new_task(trust=3)
    task.contribute(w, Y)
    for v in workers[1:4]:
        task.contribute(v, X)
    for v in workers[1:4]:
        task.reveal(v, X)
    tx = task.finalize(b"")
    after = escrow_state(hub, *workers[:4])
    assert _delta(before, after, w) == (-STAKE, 0)  # stake seized
    assert hub.viewScore(w) == 2  # 3 * 2 // 3
    assert tx.events["FaultyContribution"][0]["worker"] == w
    share = pct(WORKERPOOL_PRICE + STAKE, 99) // 3
    for v in workers[1:4]:
        assert _delta(before, after, v) == (share, 0)


def test_scenario_consensus_hash_not_revealed(new_task, workers, hub, raise_score):
    w, other = workers[0], workers[1]
    raise_score(w, 3)
    before = escrow_state(hub, w, other)
    task = new_task(trust=3)
    task.contribute(w, X)
    task.contribute(other, X)
    task.reveal(other, X)
    next_block_at(task.reveal_deadline)
    task.finalize(b"")
    after = escrow_state(hub, w, other)
    assert _delta(before, after, w) == (-STAKE, 0)
    assert hub.viewScore(w) == 2
    assert _delta(before, after, other) == (pct(WORKERPOOL_PRICE + STAKE, 99), 0)
    assert hub.viewScore(other) == 1


def test_scenario_reopened_then_finalized(new_task, workers, hub, raise_score):
    w, other = workers[0], workers[1]
    raise_score(w, 3)
    late = workers[2:4]
    before = escrow_state(hub, w, other, *late)
    task = new_task(trust=3)
    task.contribute(w, X)
    task.contribute(other, X)
    next_block_at(task.reveal_deadline)
    task.reopen()
    assert hub.viewContribution(task.id, w)[0] == CONTRIBUTION_REJECTED
    assert escrow_state(hub, w)[w.address] == (
        before[w.address][0] - STAKE,
        STAKE,
    )  # still locked until settlement
    for v in late:
        task.contribute(v, X)
    for v in late:
        task.reveal(v, X)
    task.finalize(b"")
    after = escrow_state(hub, w, other, *late)
    assert _delta(before, after, w) == (-STAKE, 0)
    assert hub.viewScore(w) == 2
    assert _delta(before, after, other) == (-STAKE, 0)
    share = pct(WORKERPOOL_PRICE + 2 * STAKE, 99) // 2
    for v in late:
        assert _delta(before, after, v) == (share, 0)
    assert task.status == TASK_COMPLETED


def test_scenario_reopened_never_finalized(new_task, workers, hub, raise_score):
    w, other = workers[0], workers[1]
    raise_score(w, 3)
    before = escrow_state(hub, w, other)
    task = new_task(trust=3)
    task.contribute(w, X)
    task.contribute(other, X)
    next_block_at(task.reveal_deadline)
    task.reopen()
    next_block_at(task.final_deadline)
    task.claim()
    assert escrow_state(hub, w, other) == before  # unlocked, nothing seized
    assert hub.viewScore(w) == 3
    assert task.status == TASK_FAILED


def test_scenario_consensus_never_reached(new_task, workers, hub, raise_score):
    w = workers[0]
    raise_score(w, 3)
    before = escrow_state(hub, w)
    task = new_task(trust=100)
    task.contribute(w, X)
    task.contribute(workers[1], Y)
    next_block_at(task.final_deadline)
    task.claim()
    assert escrow_state(hub, w) == before
    assert hub.viewScore(w) == 3


def test_scenario_contribute_and_finalize(new_task, workers, hub, raise_score):
    w = workers[0]
    raise_score(w, 3)
    before = escrow_state(hub, w)
    task = new_task(trust=1)
    tx = task.contribute_and_finalize(w, X, b"")
    assert "Lock" not in tx.events  # no stake locked
    assert _delta(before, escrow_state(hub, w), w) == (pct(WORKERPOOL_PRICE, 99), 0)
    assert hub.viewScore(w) == 3
