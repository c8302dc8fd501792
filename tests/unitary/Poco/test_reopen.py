"""reopen: drop a consensus nobody revealed (SPECIFICATION §4.7)."""

from custom_errors import reverts_with
from fixtures.chain import next_block_at
from fixtures.poco import digest_of

from offchain.protocol.constants import (
    CONTRIBUTION_CONTRIBUTED,
    CONTRIBUTION_REJECTED,
    TASK_ACTIVE,
    TASK_REVEALING,
)

R = digest_of("result")


def _unrevealed(new_task, workers, trust=3):
    """A task whose consensus (W0, W1 on R; W2 on another hash) nobody revealed, its reveal deadline reached."""
    task = new_task(trust=trust)
    task.contribute(workers[2], digest_of("other"))
    task.contribute(workers[0], R)
    task.contribute(workers[1], R)
    task.contribute(workers[3], R)
    assert task.status == TASK_REVEALING
    next_block_at(task.reveal_deadline)
    return task


def test_reopen_rejects_winners_and_reactivates(new_task, workers, hub):
    task = _unrevealed(new_task, workers)
    tx = task.reopen()
    assert tx.events["TaskReopen"].values() == ["0x" + task.id.hex()]
    view = task.view()
    assert view[0] == TASK_ACTIVE
    assert view[5] == 0 and view[7] == "0x" + "00" * 32 and view[9] == 0
    for w in (workers[0], workers[1], workers[3]):
        assert hub.viewContribution(task.id, w)[0] == CONTRIBUTION_REJECTED
    assert hub.viewContribution(task.id, workers[2])[0] == CONTRIBUTION_CONTRIBUTED


def test_reopened_task_accepts_new_workers_but_not_rejected_ones(new_task, workers):
    task = _unrevealed(new_task, workers)
    task.reopen()
    with reverts_with("AlreadyContributed", task.id, workers[0]):
        task.contribute(workers[0], R)
    # the dropped group restarts from zero: the same hash needs a fresh quorum (W2's other hash still counts)
    for w in workers[4:6]:
        task.contribute(w, R)
    assert task.status == TASK_ACTIVE
    task.contribute(workers[6], R)
    assert task.status == TASK_REVEALING
    assert task.view()[9] == 3  # winners: the three new workers, not the rejected ones


def test_reopen_by_non_scheduler_reverts(new_task, workers, anyone, scheduler):
    task = _unrevealed(new_task, workers)
    with reverts_with("CallerIsNotTheScheduler", anyone, scheduler):
        task.reopen(sender=anyone)


def test_reopen_active_task_reverts(new_task, workers):
    task = new_task(trust=3)
    task.contribute(workers[0], R)
    with reverts_with("TaskNotRevealing", task.id, TASK_ACTIVE):
        task.reopen()


def test_reopen_before_reveal_deadline_reverts(new_task, workers):
    task = new_task(trust=1)
    task.contribute(workers[0], R)
    deadline = task.reveal_deadline
    next_block_at(deadline - 1)
    with reverts_with("RevealDeadlineNotReached", task.id, deadline):
        task.reopen()


def test_reopen_after_a_reveal_reverts(new_task, workers):
    task = new_task(trust=3)
    task.contribute(workers[0], R)
    task.contribute(workers[1], R)
    task.reveal(workers[0], R)
    next_block_at(task.reveal_deadline)
    with reverts_with("TaskAlreadyRevealed", task.id, 1):
        task.reopen()


def test_reopen_at_final_deadline_reverts(new_task, workers):
    task = new_task(trust=1)
    task.contribute(workers[0], R)
    final = task.final_deadline
    next_block_at(final)
    with reverts_with("FinalDeadlineReached", task.id, final):
        task.reopen()
