"""The contributor bound (SPECIFICATION §12.7): MAX_CONTRIBUTORS contributions, then finalize / reopen / claim of a full
task, each measured far below a 30 M gas block."""

import pytest
from brownie import accounts
from custom_errors import reverts_with
from fixtures.chain import next_block_at
from fixtures.poco import WORKERPOOL_PRICE, digest_of

from offchain.protocol.constants import (
    MAX_CONTRIBUTORS,
    TASK_ACTIVE,
    TASK_COMPLETED,
    TASK_FAILED,
    TASK_REVEALING,
)

X = digest_of("consensus")
STAKE = WORKERPOOL_PRICE * 30 // 100
BLOCK_GAS = 30_000_000
BUDGET = BLOCK_GAS // 3  # "well under" the block: a third of it
UINT64_MAX = 2**64 - 1


@pytest.fixture(scope="module")
def crowd(hub, token, owner, requester):
    """MAX_CONTRIBUTORS + 1 fresh local accounts, each with one worker stake deposited (gas price is 0)."""
    crowd = [accounts.add() for _ in range(MAX_CONTRIBUTORS + 1)]
    total = STAKE * len(crowd)
    token.approve(hub, total, {"from": requester})
    hub.depositForArray([STAKE] * len(crowd), crowd, {"from": requester})
    return crowd


def test_full_task_finalize_fits_a_block(new_task, crowd):
    # trust 2^64 - 1 needs a group of 2^64: 64 agreeing fresh workers (weight 2 each) reach it at the last one
    task = new_task(trust=UINT64_MAX)
    for w in crowd[: MAX_CONTRIBUTORS - 1]:
        task.contribute(w, X)
    assert task.status == TASK_ACTIVE
    last = task.contribute(crowd[MAX_CONTRIBUTORS - 1], X)
    assert task.status == TASK_REVEALING and task.view()[9] == MAX_CONTRIBUTORS
    assert last.gas_used < BUDGET
    for w in crowd[:MAX_CONTRIBUTORS]:
        task.reveal(w, X)
    tx = task.finalize(b"")
    assert task.status == TASK_COMPLETED
    assert len(tx.events["AccurateContribution"]) == MAX_CONTRIBUTORS
    print(f"\nfinalize with {MAX_CONTRIBUTORS} contributors: {tx.gas_used} gas")
    assert tx.gas_used < BUDGET


def test_contribution_beyond_the_bound_reverts_and_reopen_claim_fit(new_task, crowd):
    task = new_task(trust=UINT64_MAX)
    # one dissenting vote first keeps the majority group below the trust threshold for the whole crowd
    task.contribute(crowd[0], digest_of("dissent"))
    for w in crowd[1:MAX_CONTRIBUTORS]:
        task.contribute(w, X)
    assert len(task.view()[10]) == MAX_CONTRIBUTORS
    with reverts_with("TooManyContributors", task.id, MAX_CONTRIBUTORS):
        task.contribute(crowd[MAX_CONTRIBUTORS], X)
    next_block_at(task.final_deadline)
    tx = task.claim()
    assert task.status == TASK_FAILED
    print(f"\nclaim with {MAX_CONTRIBUTORS} contributors: {tx.gas_used} gas")
    assert tx.gas_used < BUDGET


def test_reopen_of_a_full_task_fits_a_block(new_task, crowd):
    task = new_task(trust=UINT64_MAX)
    for w in crowd[:MAX_CONTRIBUTORS]:
        task.contribute(w, X)
    assert task.status == TASK_REVEALING
    next_block_at(task.reveal_deadline)
    tx = task.reopen()
    print(f"\nreopen with {MAX_CONTRIBUTORS} contributors: {tx.gas_used} gas")
    assert tx.gas_used < BUDGET
    assert task.status == TASK_ACTIVE
