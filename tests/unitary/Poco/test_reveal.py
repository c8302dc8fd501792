"""reveal: prove a contribution to the consensus (SPECIFICATION §4.5)."""

from custom_errors import reverts_with
from fixtures.poco import digest_of

from offchain.protocol.constants import (
    CONTRIBUTION_CONTRIBUTED,
    CONTRIBUTION_PROVED,
    CONTRIBUTION_UNSET,
    TASK_ACTIVE,
    TASK_REVEALING,
)

R = digest_of("result")


def test_reveal_proves_contribution(new_task, workers, hub):
    task = new_task(trust=1)
    task.contribute(workers[0], R)
    tx = task.reveal(workers[0], R)
    assert tx.events["TaskReveal"].values() == ["0x" + task.id.hex(), workers[0], "0x" + R.hex()]
    assert hub.viewContribution(task.id, workers[0])[0] == CONTRIBUTION_PROVED
    view = task.view()
    assert view[0] == TASK_REVEALING
    assert (view[8], view[9]) == (1, 1)
    assert view[11] == "0x" + R.hex()


def test_second_winner_reveal_counts(new_task, workers):
    task = new_task(trust=3)
    task.contribute(workers[0], R)
    task.contribute(workers[1], R)
    task.reveal(workers[0], R)
    task.reveal(workers[1], R)
    view = task.view()
    assert (view[8], view[9]) == (2, 2)
    assert view[11] == "0x" + R.hex()


def test_reveal_before_consensus_reverts(new_task, workers):
    task = new_task(trust=3)
    task.contribute(workers[0], R)
    with reverts_with("TaskNotRevealing", task.id, TASK_ACTIVE):
        task.reveal(workers[0], R)


def test_reveal_by_non_contributor_reverts(new_task, workers):
    task = new_task(trust=1)
    task.contribute(workers[0], R)
    with reverts_with("NotContributed", task.id, workers[1], CONTRIBUTION_UNSET):
        task.reveal(workers[1], R)


def test_reveal_twice_reverts(new_task, workers):
    task = new_task(trust=3)
    task.contribute(workers[0], R)
    task.contribute(workers[1], R)
    task.reveal(workers[0], R)
    with reverts_with("NotContributed", task.id, workers[0], CONTRIBUTION_PROVED):
        task.reveal(workers[0], R)


def test_reveal_of_losing_hash_reverts(new_task, workers):
    # trust 3: W0 votes Y, then X needs three fresh votes (group 8 of total 11: 24 > 22)
    task = new_task(trust=3)
    y = digest_of("y")
    task.contribute(workers[0], y)
    for w in workers[1:4]:
        task.contribute(w, R)
    assert task.status == TASK_REVEALING
    loser_hash, _ = task.commitment(workers[0], y)
    consensus, _ = task.commitment(workers[1], R)
    with reverts_with("ContributionNotConsensus", task.id, loser_hash, consensus):
        task.reveal(workers[0], y)


def test_reveal_wrong_digest_reverts(new_task, workers):
    task = new_task(trust=1)
    task.contribute(workers[0], R)
    wrong = digest_of("wrong")
    with reverts_with("ResultHashMismatch", task.id, wrong):
        task.reveal(workers[0], wrong)


def test_copied_hash_cannot_be_revealed(new_task, workers, hub):
    # W1 copies W0's public result hash with a seal of its own making: the consensus forms, but W1 cannot prove
    # knowledge of the digest bound to W1 (the seal binds the worker, SPECIFICATION §4.3)
    task = new_task(trust=3)
    task.contribute(workers[0], R)
    copied_hash, _ = task.commitment(workers[0], R)
    task.contribute(
        workers[1], R, result_hash=copied_hash, result_seal=b"\x07" * 32
    )  # 2 fresh votes: trust 3 met
    assert task.status == TASK_REVEALING
    with reverts_with("ResultSealMismatch", task.id, workers[1]):
        task.reveal(workers[1], R)
    assert hub.viewContribution(task.id, workers[1])[0] == CONTRIBUTION_CONTRIBUTED
