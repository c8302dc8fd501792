"""claim / claimArray / initializeAndClaimArray: refunds after the final deadline (SPECIFICATION §4.8)."""

from custom_errors import reverts_with
from fixtures.chain import ESCROW_FUNDS, escrow_state, next_block_at
from fixtures.poco import APP_PRICE, WORKERPOOL_PRICE, digest_of

from offchain.protocol.constants import KITTY_ADDRESS, TASK_COMPLETED, TASK_FAILED

R = digest_of("result")
STAKE = WORKERPOOL_PRICE * 30 // 100


def test_claim_refunds_sponsor_and_contributors(new_task, workers, hub, requester, scheduler, anyone):
    task = new_task(trust=100)
    for w in workers[:2]:
        task.contribute(w, R)
    task.contribute(workers[2], digest_of("wrong"))
    next_block_at(task.final_deadline)
    tx = task.claim(sender=anyone)
    assert task.status == TASK_FAILED
    assert escrow_state(hub, requester, scheduler, *workers[:3]) == {
        requester.address: (ESCROW_FUNDS, 0),
        scheduler.address: (ESCROW_FUNDS - STAKE, 0),
        **{w.address: (ESCROW_FUNDS, 0) for w in workers[:3]},
    }
    assert hub.frozenOf(KITTY_ADDRESS) == STAKE
    assert hub.balanceOf(KITTY_ADDRESS) == 0
    assert tx.events["TaskClaimed"].values() == ["0x" + task.id.hex()]
    assert tx.events["Reward"][0].values() == [KITTY_ADDRESS, STAKE, "0x" + task.id.hex()]
    assert tx.events["Lock"][0].values() == [KITTY_ADDRESS, STAKE]
    for w in workers[:3]:
        assert hub.viewScore(w) == 0


def test_claim_revealing_task(new_task, workers, hub, requester):
    task = new_task(trust=1)
    task.contribute(workers[0], R)
    next_block_at(task.final_deadline)
    task.claim()
    assert task.status == TASK_FAILED
    assert escrow_state(hub, requester)[requester.address] == (ESCROW_FUNDS, 0)


def test_claim_before_final_deadline_reverts(new_task):
    task = new_task(trust=1)
    final = task.final_deadline
    next_block_at(final - 1)
    with reverts_with("FinalDeadlineNotReached", task.id, final):
        task.claim()


def test_claim_uninitialized_task_reverts(new_deal, hub, anyone):
    deal = new_deal()
    with reverts_with("TaskNotClaimable", deal.task_id(0), 0):
        hub.claim(deal.task_id(0), {"from": anyone})


def test_claim_completed_task_reverts(new_task, workers):
    task = new_task(trust=1)
    task.contribute(workers[0], R)
    task.reveal(workers[0], R)
    task.finalize(b"")
    next_block_at(task.final_deadline)
    with reverts_with("TaskNotClaimable", task.id, TASK_COMPLETED):
        task.claim()


def test_claim_twice_reverts(new_task):
    task = new_task(trust=1)
    next_block_at(task.final_deadline)
    task.claim()
    with reverts_with("TaskNotClaimable", task.id, TASK_FAILED):
        task.claim()


def test_claim_array(new_deal, hub, anyone, requester):
    deal = new_deal(volume=2)
    tasks = [deal.task(i) for i in range(2)]
    next_block_at(tasks[0].final_deadline)
    hub.claimArray([t.id for t in tasks], {"from": anyone})
    assert [t.status for t in tasks] == [TASK_FAILED, TASK_FAILED]
    assert escrow_state(hub, requester)[requester.address] == (ESCROW_FUNDS, 0)


def test_initialize_and_claim_array(new_deal, hub, anyone, requester, scheduler):
    deal = new_deal(volume=3)
    next_block_at(deal.model.start_time + 10 * deal.model.timeref)
    tx = hub.initializeAndClaimArray([deal.dealid] * 3, [0, 1, 2], {"from": anyone})
    assert len(tx.events["TaskClaimed"]) == 3
    assert escrow_state(hub, requester, scheduler) == {
        requester.address: (ESCROW_FUNDS, 0),
        scheduler.address: (ESCROW_FUNDS - 3 * STAKE, 0),
    }
    assert hub.frozenOf(KITTY_ADDRESS) == 3 * STAKE


def test_initialize_and_claim_array_before_deadline_reverts(new_deal, hub, anyone):
    deal = new_deal(volume=1)
    final = deal.model.start_time + 10 * deal.model.timeref
    with reverts_with("FinalDeadlineNotReached", deal.task_id(0), final):
        hub.initializeAndClaimArray([deal.dealid], [0], {"from": anyone})


def test_initialize_and_claim_array_length_mismatch_reverts(new_deal, hub, anyone):
    deal = new_deal(volume=2)
    with reverts_with("ArrayLengthMismatch", 1, 2):
        hub.initializeAndClaimArray([deal.dealid], [0, 1], {"from": anyone})


def test_sponsored_deal_refunds_sponsor(new_deal, hub, sponsor, requester):
    deal = new_deal(sponsored=True)
    task = deal.task(0)
    assert hub.frozenOf(sponsor) == APP_PRICE + WORKERPOOL_PRICE
    next_block_at(task.final_deadline)
    task.claim()
    assert escrow_state(hub, sponsor, requester) == {
        sponsor.address: (ESCROW_FUNDS, 0),
        requester.address: (ESCROW_FUNDS, 0),
    }
