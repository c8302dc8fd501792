"""matchOrdersBoost / sponsorMatchOrdersBoost: checks, compact record, consumption, locks and events."""

import brownie
import pytest
from brownie import ZERO_ADDRESS
from fixtures.boost import APP_PRICE, DATASET_PRICE, WORKERPOOL_PRICE, reverts_with
from fixtures.chain import escrow_state, key_of

from offchain.protocol import boost
from offchain.protocol.constants import CONTRIBUTION_DEADLINE_RATIO, TAG_TDX, TAG_TEE
from offchain.protocol.hashing import deal_id as deal_id_of

pytestmark = pytest.mark.usefixtures("boost_assets")

REF = 300  # category 0 (XS)
ZERO32 = "0x" + "00" * 32


def test_match_records_compact_deal(hub, boost_deal, boost_assets, requester, app_owner, scheduler):
    deal_id, tx, orders = boost_deal(volume=3, callback=boost_assets.app, tag=TAG_TEE | TAG_TDX)
    deal = hub.viewDealBoost(deal_id)
    assert deal.dict() == {
        "appOwner": app_owner,
        "appPrice": APP_PRICE,
        "datasetOwner": ZERO_ADDRESS,
        "datasetPrice": 0,
        "workerpoolOwner": scheduler,
        "workerpoolPrice": WORKERPOOL_PRICE,
        "requester": requester,
        "workerReward": boost.worker_reward(WORKERPOOL_PRICE, 1),
        "callback": boost_assets.app,
        "deadline": tx.timestamp + CONTRIBUTION_DEADLINE_RATIO * REF,
        "botFirst": 0,
        "botSize": 3,
        "shortTag": "0x000009",
        "sponsor": requester,
    }


def test_match_deal_id_and_events(hub, boost_deal, boost_assets, domain):
    deal_id, tx, orders = boost_deal(volume=2, params='{"iexec_args":"x"}')
    app_hash, dataset_hash, wp_hash, req_hash = orders.hashes(domain)
    assert deal_id == "0x" + deal_id_of(req_hash, 0).hex()
    names = [event.name for event in tx.events]
    assert names.index("SchedulerNoticeBoost") < names.index("OrdersMatched")
    assert tx.events["SchedulerNoticeBoost"].values() == [
        boost_assets.workerpool,
        deal_id,
        boost_assets.app,
        ZERO_ADDRESS,
        0,
        ZERO32,
        '{"iexec_args":"x"}',
        orders.request.beneficiary,
    ]
    assert tx.events["OrdersMatched"].values() == [
        deal_id,
        "0x" + app_hash.hex(),
        ZERO32,
        "0x" + wp_hash.hex(),
        "0x" + req_hash.hex(),
        2,
    ]
    assert "DealSponsoredBoost" not in tx.events


def test_match_locks_price_and_stake(hub, boost_deal, requester, scheduler):
    before = escrow_state(hub, requester, scheduler, hub)
    boost_deal(volume=3)
    sponsor_lock, stake_lock = boost.BoostPrices(APP_PRICE, 0, WORKERPOOL_PRICE).match_locks(3)
    after = escrow_state(hub, requester, scheduler, hub)
    assert after[requester.address] == (before[requester.address][0] - sponsor_lock, sponsor_lock)
    assert after[scheduler.address] == (before[scheduler.address][0] - stake_lock, stake_lock)
    assert after[hub.address][0] == before[hub.address][0] + sponsor_lock + stake_lock


def test_scheduler_stake_rounds_per_task(hub, boost_deal, scheduler):
    boost_deal(volume=3, workerpool_price=5)
    # pct(5, 30) = 1 per task, times 3; pct(15, 30) would be 4
    assert hub.frozenOf(scheduler) == 3


def test_match_with_dataset_records_dataset(hub, boost_deal, dataset_owner, requester, domain):
    deal_id, tx, orders = boost_deal(with_dataset=True)
    deal = hub.viewDealBoost(deal_id)
    assert (deal["datasetOwner"], deal["datasetPrice"]) == (dataset_owner, DATASET_PRICE)
    assert hub.frozenOf(requester) == APP_PRICE + DATASET_PRICE + WORKERPOOL_PRICE
    assert tx.events["OrdersMatched"]["datasetHash"] == "0x" + orders.dataset.hash(domain).hex()
    assert hub.viewConsumed(orders.dataset.hash(domain)) == 1


def test_match_consumes_every_order(hub, boost_orders, match_boost, domain):
    orders = boost_orders(volume=5, requestorder={"volume": 2})
    match_boost(orders)
    app_hash, _, wp_hash, req_hash = orders.hashes(domain)
    assert [hub.viewConsumed(h) for h in (app_hash, wp_hash, req_hash)] == [2, 2, 2]


def test_second_match_of_a_request_continues_its_range(hub, boost_orders, match_boost, domain, app_owner):
    orders = boost_orders(volume=5, apporder={"volume": 2})
    first, _ = match_boost(orders)
    # a second app order for the rest of the request
    orders = orders._replace(
        app=orders.app.replace(volume=5, salt=b"\x07" * 32).sign_with(key_of(app_owner), domain)
    )
    second, tx = match_boost(orders)
    assert hub.viewDealBoost(first)["botSize"] == 2
    assert (hub.viewDealBoost(second)["botFirst"], hub.viewDealBoost(second)["botSize"]) == (2, 3)
    assert second == "0x" + deal_id_of(orders.request.hash(domain), 2).hex()


def test_sponsored_match_locks_sponsor_only(hub, boost_deal, requester, sponsor):
    before = hub.balanceOf(requester)
    deal_id, tx, _ = boost_deal(sponsor=sponsor, volume=2)
    assert hub.viewDealBoost(deal_id)["sponsor"] == sponsor
    assert hub.frozenOf(sponsor) == 2 * (APP_PRICE + WORKERPOOL_PRICE)
    assert (hub.balanceOf(requester), hub.frozenOf(requester)) == (before, 0)
    assert tx.events["DealSponsoredBoost"].values() == [deal_id, sponsor]
    names = [event.name for event in tx.events]
    assert names.index("OrdersMatched") < names.index("DealSponsoredBoost")


def test_sponsor_being_the_requester_reads_back_as_requester(hub, boost_deal, requester):
    deal_id, tx, _ = boost_deal(sponsor=requester)
    assert hub.viewDealBoost(deal_id)["sponsor"] == requester
    assert tx.events["DealSponsoredBoost"]["sponsor"] == requester


# ---- rejections ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("trust", [2, 3, 2**255])
def test_trust_above_one_reverts(boost_orders, match_boost, trust):
    orders = boost_orders(trust=trust)
    with reverts_with("BoostTrustTooHigh", trust, 1):
        match_boost(orders)


def test_request_trust_above_workerpool_trust_reverts(boost_orders, match_boost):
    """SPECIFICATION §12.5: v5.5 Boost ignored workerpool.trust; we apply the classic rule."""
    orders = boost_orders(trust=0, requestorder={"trust": 1})
    with reverts_with("TrustTooHigh", 1, 0):
        match_boost(orders)


@pytest.mark.parametrize("trust", [0, 1])
def test_trust_zero_or_one_within_pool_trust_matches(boost_orders, match_boost, trust):
    deal_id, _ = match_boost(boost_orders(trust=trust, workerpoolorder={"trust": 1}))
    assert deal_id != ZERO32


def test_classic_checks_apply(boost_orders, match_boost):
    orders = boost_orders(requestorder={"appmaxprice": APP_PRICE - 1})
    with reverts_with("AppOverpriced", APP_PRICE - 1, APP_PRICE):
        match_boost(orders)


def test_category_mismatch_reverts(boost_orders, match_boost):
    orders = boost_orders(workerpoolorder={"category": 1})
    with reverts_with("CategoryMismatch", 0, 1):
        match_boost(orders)


def test_unknown_category_reverts_with_the_count(boost_orders, match_boost, hub):
    count = hub.countCategory()
    orders = boost_orders(category=count)
    with reverts_with("UnknownCategory", count, count):
        match_boost(orders)


def test_deadline_from_the_category_reference_time(hub, boost_deal, owner):
    catid = hub.createCategory("B", "", 1234, {"from": owner}).events["CreateCategory"]["catid"]
    deal_id, tx, _ = boost_deal(category=catid)
    assert hub.viewDealBoost(deal_id)["deadline"] == tx.timestamp + CONTRIBUTION_DEADLINE_RATIO * 1234


def test_bad_request_signature_reverts(boost_orders, match_boost, domain, requester, anyone):
    orders = boost_orders()
    orders.request.sign_with(key_of(anyone), domain)
    with reverts_with("InvalidRequestOrderSignature", orders.request.hash(domain), requester):
        match_boost(orders)


def test_consumed_order_reverts(boost_orders, match_boost, domain):
    orders = boost_orders()
    match_boost(orders)
    with reverts_with("OrderConsumed", orders.app.hash(domain)):
        match_boost(orders)


def test_volume_above_uint16_reverts(boost_orders, match_boost):
    orders = boost_orders(volume=2**16, app_price=0, workerpool_price=0)
    with reverts_with("BoostBagOfTasksTooLarge", 0, 2**16):
        match_boost(orders)


def test_volume_at_uint16_max_matches(hub, boost_orders, match_boost):
    deal_id, _ = match_boost(boost_orders(volume=2**16 - 1, app_price=0, workerpool_price=0))
    assert hub.viewDealBoost(deal_id)["botSize"] == 2**16 - 1


def test_price_above_uint96_reverts(boost_orders, match_boost):
    orders = boost_orders(volume=1, app_price=2**96, requestorder={"appmaxprice": 2**96})
    with reverts_with("PriceTooLarge", 2**96):
        match_boost(orders)


def test_workerpool_price_above_uint80_reverts(boost_orders, match_boost):
    # a Boost deal keeps the workerpool price next to the scheduler ratio and the flags: 80 bits
    orders = boost_orders(volume=1, workerpool_price=2**80, requestorder={"workerpoolmaxprice": 2**80})
    with reverts_with("PriceTooLarge", 2**80):
        match_boost(orders)


def test_sponsor_without_funds_reverts(hub, boost_orders, match_boost, anyone):
    orders = boost_orders()
    with reverts_with("InsufficientBalance", anyone, 0, APP_PRICE + WORKERPOOL_PRICE):
        match_boost(orders, sponsor=anyone)


def test_failed_match_changes_nothing(hub, boost_orders, match_boost, domain, requester):
    orders = boost_orders(trust=2)
    with brownie.reverts():
        match_boost(orders)
    assert hub.viewConsumed(orders.request.hash(domain)) == 0
    assert hub.frozenOf(requester) == 0


def test_deal_keeps_the_scheduler_ratio_of_match_time(hub, boost_deal, boost_assets, scheduler):
    # the ratio comes from the registry's answer at match time (WorkerpoolRegistry.entryOwnerAndPolicy)
    pool = brownie.Contract.from_abi("Workerpool", boost_assets.workerpool, brownie.Workerpool.abi)
    pool.changePolicy(30, 40, {"from": scheduler})
    deal_id, _, _ = boost_deal(volume=1)
    pool.changePolicy(30, 5, {"from": scheduler})
    assert hub.viewDealBoost(deal_id)["workerReward"] == boost.worker_reward(WORKERPOOL_PRICE, 40)
    pool.changePolicy(30, 1, {"from": scheduler})
