"""Deadline edges (SPECIFICATION §5): each window is open one second before its deadline and closed at it and after.

Timestamps are set exactly with `next_block_at(t)` (anvil's evm_setNextBlockTimestamp) and checked on the mined block.
"""

import pytest
from brownie import chain
from custom_errors import reverts_with
from fixtures.chain import next_block_at
from fixtures.poco import digest_of

from offchain.protocol.constants import TASK_COMPLETED, TASK_FAILED, TASK_REVEALING

R = digest_of("result")


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_contribution_deadline(new_task, workers, offset):
    task = new_task(trust=1)
    deadline = task.contribution_deadline
    next_block_at(deadline + offset)
    if offset < 0:
        task.contribute(workers[0], R)
        assert task.status == TASK_REVEALING
    else:
        with reverts_with("ContributionDeadlineReached", task.id, deadline):
            task.contribute(workers[0], R)
    assert chain[-1].timestamp == deadline + offset


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_fast_path_contribution_deadline(new_task, workers, offset):
    task = new_task(trust=1)
    deadline = task.contribution_deadline
    next_block_at(deadline + offset)
    if offset < 0:
        task.contribute_and_finalize(workers[0], R, b"")
        assert task.status == TASK_COMPLETED
    else:
        with reverts_with("ContributionDeadlineReached", task.id, deadline):
            task.contribute_and_finalize(workers[0], R, b"")
    assert chain[-1].timestamp == deadline + offset


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_reveal_deadline(new_task, workers, offset):
    task = new_task(trust=1)
    task.contribute(workers[0], R)
    deadline = task.reveal_deadline
    next_block_at(deadline + offset)
    if offset < 0:
        task.reveal(workers[0], R)
    else:
        with reverts_with("RevealDeadlineReached", task.id, deadline):
            task.reveal(workers[0], R)
    assert chain[-1].timestamp == deadline + offset


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_reopen_needs_reveal_deadline_reached(new_task, workers, offset):
    task = new_task(trust=1)
    task.contribute(workers[0], R)
    deadline = task.reveal_deadline
    next_block_at(deadline + offset)
    if offset < 0:
        with reverts_with("RevealDeadlineNotReached", task.id, deadline):
            task.reopen()
    else:
        task.reopen()
    assert chain[-1].timestamp == deadline + offset


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_finalize_final_deadline(new_task, workers, offset):
    task = new_task(trust=1)
    task.contribute(workers[0], R)
    task.reveal(workers[0], R)
    deadline = task.final_deadline
    next_block_at(deadline + offset)
    if offset < 0:
        task.finalize(b"")
        assert task.status == TASK_COMPLETED
    else:
        with reverts_with("FinalDeadlineReached", task.id, deadline):
            task.finalize(b"")
    assert chain[-1].timestamp == deadline + offset


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_reopen_final_deadline(new_task, workers, offset):
    task = new_task(trust=1)
    task.contribute(workers[0], R)
    deadline = task.final_deadline
    next_block_at(deadline + offset)
    if offset < 0:
        task.reopen()
    else:
        with reverts_with("FinalDeadlineReached", task.id, deadline):
            task.reopen()
    assert chain[-1].timestamp == deadline + offset


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_claim_final_deadline(new_task, offset):
    task = new_task(trust=1)
    deadline = task.final_deadline
    next_block_at(deadline + offset)
    if offset < 0:
        with reverts_with("FinalDeadlineNotReached", task.id, deadline):
            task.claim()
    else:
        task.claim()
        assert task.status == TASK_FAILED
    assert chain[-1].timestamp == deadline + offset


def test_reveal_deadline_is_before_final_deadline(new_task, workers):
    # the latest possible consensus (one second before the contribution deadline) still leaves time to reveal
    task = new_task(trust=1)
    next_block_at(task.contribution_deadline - 1)
    task.contribute(workers[0], R)
    assert task.reveal_deadline < task.final_deadline
