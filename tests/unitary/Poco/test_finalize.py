"""finalize: accept the revealed result and pay everyone (SPECIFICATION §4.6)."""

from brownie import web3
from custom_errors import reverts_with
from fixtures.chain import ESCROW_FUNDS, escrow_state, next_block_at
from fixtures.poco import APP_PRICE, DATASET_PRICE, WORKERPOOL_PRICE, digest_of, event_names

from offchain.protocol.constants import KITTY_ADDRESS, TASK_ACTIVE, TASK_COMPLETED, TASK_REVEALING

R = digest_of("result")
STAKE = WORKERPOOL_PRICE * 30 // 100
RESULTS = b"\x12\x34\x56\x78\x9a\xbc"


def _revealed(new_task, workers, **deal):
    task = new_task(trust=1, **deal)
    task.contribute(workers[0], R)
    task.reveal(workers[0], R)
    return task


def test_finalize_pays_everyone_exactly(new_task, workers, hub, requester, app_owner, scheduler):
    task = _revealed(new_task, workers)
    w = workers[0]
    tx = task.finalize(RESULTS)
    worker_reward = WORKERPOOL_PRICE * 99 // 100
    assert escrow_state(hub, requester, app_owner, scheduler, w) == {
        requester.address: (ESCROW_FUNDS - APP_PRICE - WORKERPOOL_PRICE, 0),
        app_owner.address: (APP_PRICE, 0),
        scheduler.address: (ESCROW_FUNDS + WORKERPOOL_PRICE - worker_reward, 0),
        w.address: (ESCROW_FUNDS + worker_reward, 0),
    }
    assert hub.viewScore(w) == 0  # not replicated: no score change
    view = task.view()
    assert view[0] == TASK_COMPLETED
    assert view[12] == "0x" + RESULTS.hex()
    assert tx.events["TaskFinalize"].values() == ["0x" + task.id.hex(), "0x" + RESULTS.hex()]


def test_finalize_event_order(new_task, workers, requester, app_owner, dataset_owner, scheduler):
    task = _revealed(new_task, workers, dataset=True)
    tx = task.finalize(RESULTS)
    names = [n for n in event_names(tx) if n != "Transfer"]
    assert names == [
        "Seize",  # sponsor
        "Reward",  # app owner
        "Reward",  # dataset owner
        "Unlock",  # scheduler stake
        "Unlock",  # worker stake
        "Reward",  # worker
        "Reward",  # scheduler
        "TaskFinalize",
    ]
    rewards = tx.events["Reward"]
    assert [r["owner"] for r in rewards] == [app_owner, dataset_owner, workers[0], scheduler]
    assert tx.events["Seize"][0].values() == [
        requester,
        APP_PRICE + DATASET_PRICE + WORKERPOOL_PRICE,
        "0x" + task.id.hex(),
    ]


def test_finalize_with_dataset_pays_dataset_owner(new_task, workers, hub, dataset_owner, requester):
    task = _revealed(new_task, workers, dataset=True)
    task.finalize(RESULTS)
    assert hub.balanceOf(dataset_owner) == DATASET_PRICE
    assert escrow_state(hub, requester)[requester.address] == (
        ESCROW_FUNDS - APP_PRICE - DATASET_PRICE - WORKERPOOL_PRICE,
        0,
    )


def test_finalize_pays_kitty_slice_to_scheduler(new_task, new_deal, workers, hub, scheduler):
    # a failed task puts the scheduler's stake (0.6 RLC) in the kitty; the next success takes all of it (< 1 RLC)
    failed = new_task(trust=1)
    next_block_at(failed.final_deadline)
    failed.claim()
    assert hub.frozenOf(KITTY_ADDRESS) == STAKE
    task = _revealed(new_task, workers)
    before = hub.balanceOf(scheduler)
    tx = task.finalize(RESULTS)
    assert hub.frozenOf(KITTY_ADDRESS) == 0
    assert tx.events["Seize"][1].values() == [KITTY_ADDRESS, STAKE, "0x" + task.id.hex()]
    assert (
        hub.balanceOf(scheduler) == before + STAKE + STAKE + WORKERPOOL_PRICE - WORKERPOOL_PRICE * 99 // 100
    )


def test_finalize_by_non_scheduler_reverts(new_task, workers, anyone, scheduler):
    task = _revealed(new_task, workers)
    with reverts_with("CallerIsNotTheScheduler", anyone, scheduler):
        task.finalize(RESULTS, sender=anyone)


def test_finalize_active_task_reverts(new_task, workers):
    task = new_task(trust=3)
    with reverts_with("TaskNotRevealing", task.id, TASK_ACTIVE):
        task.finalize(RESULTS)


def test_finalize_twice_reverts(new_task, workers):
    task = _revealed(new_task, workers)
    task.finalize(RESULTS)
    with reverts_with("TaskNotRevealing", task.id, TASK_COMPLETED):
        task.finalize(RESULTS)


def test_finalize_before_every_winner_revealed_reverts(new_task, workers):
    task = new_task(trust=3)
    for w in workers[:2]:
        task.contribute(w, R)
    task.reveal(workers[0], R)
    deadline = task.reveal_deadline
    with reverts_with("RevealsMissing", task.id, 1, 2, deadline):
        task.finalize(RESULTS)
    next_block_at(deadline)  # once the reveal deadline is reached, one reveal is enough
    task.finalize(RESULTS)
    assert task.status == TASK_COMPLETED


def test_finalize_without_any_reveal_reverts_even_after_deadline(new_task, workers):
    task = new_task(trust=1)
    task.contribute(workers[0], R)
    deadline = task.reveal_deadline
    next_block_at(deadline)
    with reverts_with("RevealsMissing", task.id, 0, 1, deadline):
        task.finalize(RESULTS)
    assert task.status == TASK_REVEALING


def test_finalize_at_final_deadline_reverts(new_task, workers):
    task = _revealed(new_task, workers)
    final = task.final_deadline
    next_block_at(final)
    with reverts_with("FinalDeadlineReached", task.id, final):
        task.finalize(RESULTS)


def test_callback_data_without_callback_must_match_digest(new_task, workers):
    task = _revealed(new_task, workers)
    with reverts_with("CallbackDataMismatch", task.id, R):
        task.finalize(RESULTS, callback=b"unrelated")


def test_callback_data_matching_digest_is_accepted_without_callback(new_task, workers):
    # a worker may compute the digest as keccak256 of the callback data even when the deal has no callback
    data = b"callback-data"
    digest = web3.keccak(data)
    task = new_task(trust=1)
    task.contribute(workers[0], digest)
    task.reveal(workers[0], digest)
    task.finalize(RESULTS, callback=data)
    assert task.view()[14] == "0x" + data.hex()
