"""claimBoost: after the deadline an unsettled Boost task fails; sponsor refunded, scheduler stake to the kitty."""

import pytest
from brownie import accounts
from fixtures.boost import APP_PRICE, WORKERPOOL_PRICE, reverts_with
from fixtures.chain import escrow_state, next_block_at

from offchain.protocol import boost
from offchain.protocol.constants import KITTY_ADDRESS, TASK_COMPLETED, TASK_FAILED, TASK_UNSET
from offchain.protocol.hashing import boost_task_id

pytestmark = pytest.mark.usefixtures("boost_assets")

TASK_PRICE = APP_PRICE + WORKERPOOL_PRICE
STAKE = boost.scheduler_stake(WORKERPOOL_PRICE)


def _tid(deal_id, index):
    return "0x" + boost_task_id(deal_id, index).hex()


def _to_deadline(hub, deal_id):
    """Mine so that the next transaction lands exactly at the deal's deadline."""
    deadline = hub.viewDealBoost(deal_id)["deadline"]
    next_block_at(deadline)
    return deadline


def test_claim_at_deadline_refunds_and_feeds_kitty(hub, boost_deal, requester, scheduler, anyone):
    deal_id, _, _ = boost_deal(volume=2)
    before = escrow_state(hub, requester, scheduler, KITTY_ADDRESS)
    deadline = _to_deadline(hub, deal_id)
    tx = hub.claimBoost(deal_id, 1, {"from": anyone})
    assert tx.timestamp == deadline
    after = escrow_state(hub, requester, scheduler, KITTY_ADDRESS)
    assert after[requester.address] == (before[requester.address][0] + TASK_PRICE, TASK_PRICE)
    assert after[scheduler.address] == (before[scheduler.address][0], STAKE)
    assert after[KITTY_ADDRESS] == (0, STAKE)
    assert hub.viewTask(_tid(deal_id, 1))["status"] == TASK_FAILED
    assert hub.viewTask(_tid(deal_id, 0))["status"] == TASK_UNSET


def test_claim_events(hub, boost_deal, requester, scheduler):
    deal_id, _, _ = boost_deal()
    _to_deadline(hub, deal_id)
    tx = hub.claimBoost(deal_id, 0, {"from": accounts[-1]})
    task = _tid(deal_id, 0)
    escrow = [(e.name, e.values()) for e in tx.events if e.name in ("Seize", "Reward", "Lock", "Unlock")]
    assert escrow == [
        ("Unlock", [requester, TASK_PRICE]),
        ("Seize", [scheduler, STAKE, task]),
        ("Reward", [KITTY_ADDRESS, STAKE, task]),
        ("Lock", [KITTY_ADDRESS, STAKE]),
    ]
    assert tx.events["TaskClaimed"].values() == [task]


def test_sponsored_claim_refunds_sponsor(hub, boost_deal, requester, sponsor):
    requester_before = (hub.balanceOf(requester), hub.frozenOf(requester))
    sponsor_before = hub.balanceOf(sponsor)
    deal_id, _, _ = boost_deal(sponsor=sponsor)
    _to_deadline(hub, deal_id)
    hub.claimBoost(deal_id, 0, {"from": accounts[-1]})
    assert (hub.balanceOf(sponsor), hub.frozenOf(sponsor)) == (sponsor_before, 0)
    assert (hub.balanceOf(requester), hub.frozenOf(requester)) == requester_before


def test_claim_before_deadline_reverts(hub, boost_deal):
    deal_id, _, _ = boost_deal()
    deadline = hub.viewDealBoost(deal_id)["deadline"]
    next_block_at(deadline - 1)
    with reverts_with("BoostDeadlineNotReached", _tid(deal_id, 0), deadline):
        hub.claimBoost(deal_id, 0, {"from": accounts[-1]})


def test_claim_unknown_task_reverts(hub, boost_deal):
    deal_id, _, _ = boost_deal(volume=2)
    _to_deadline(hub, deal_id)
    with reverts_with("BoostUnknownTask", deal_id, 2, 2):
        hub.claimBoost(deal_id, 2, {"from": accounts[-1]})


def test_claim_twice_reverts(hub, boost_deal):
    deal_id, _, _ = boost_deal()
    _to_deadline(hub, deal_id)
    hub.claimBoost(deal_id, 0, {"from": accounts[-1]})
    with reverts_with("BoostTaskNotUnset", _tid(deal_id, 0), TASK_FAILED):
        hub.claimBoost(deal_id, 0, {"from": accounts[-1]})


def test_claim_after_push_reverts(hub, boost_deal, push_boost, workers):
    deal_id, _, _ = boost_deal()
    push_boost(deal_id, 0, workers[0])
    _to_deadline(hub, deal_id)
    with reverts_with("BoostTaskNotUnset", _tid(deal_id, 0), TASK_COMPLETED):
        hub.claimBoost(deal_id, 0, {"from": accounts[-1]})


def test_push_after_claim_reverts(hub, boost_deal, push_boost, workers):
    deal_id, _, _ = boost_deal()
    _to_deadline(hub, deal_id)
    hub.claimBoost(deal_id, 0, {"from": accounts[-1]})
    with reverts_with("BoostTaskNotUnset", _tid(deal_id, 0), TASK_FAILED):
        push_boost(deal_id, 0, workers[0])


def test_classic_claim_cannot_touch_boost_task(hub, boost_deal):
    """A Boost task is UNSET for the classic lifecycle: claim() refuses it (PoCo's TaskNotClaimable)."""
    deal_id, _, _ = boost_deal()
    _to_deadline(hub, deal_id)
    with reverts_with("TaskNotClaimable", _tid(deal_id, 0), TASK_UNSET):
        hub.claim(_tid(deal_id, 0), {"from": accounts[-1]})
