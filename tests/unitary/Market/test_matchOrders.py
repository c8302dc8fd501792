"""matchOrders / sponsorMatchOrders / computeDealVolume: what a successful match records, consumes and locks."""

import brownie
from fixtures.orders import APP_PRICE, DATASET_PRICE, WORKERPOOL_PRICE

from offchain.protocol.hashing import deal_id
from offchain.protocol.orders import deal_price
from offchain.protocol.rewards import scheduler_stake

TDX_TEE = (0x9).to_bytes(32, "big")


def test_match_emits_scheduler_notice_then_orders_matched(hub, make_deal, market, domain):
    deal = make_deal(volume=3)
    hashes = deal.orders.hashes(domain)
    assert deal.dealid == "0x" + deal_id(hashes[3], 0).hex()
    assert deal.tx.events["SchedulerNotice"].values() == [market.workerpool, deal.dealid]
    assert deal.tx.events["OrdersMatched"].values() == [deal.dealid, *("0x" + h.hex() for h in hashes), 3]
    names = [e.name for e in deal.tx.events]
    assert names.index("SchedulerNotice") < names.index("OrdersMatched")


def test_match_returns_the_deal_id(hub, make_orders, requester):
    orders = make_orders()
    returned = hub.matchOrders.call(*orders.as_args(), {"from": requester})
    tx = hub.matchOrders(*orders.as_args(), {"from": requester})
    assert returned == tx.events["OrdersMatched"]["dealid"]


def test_match_locks_price_from_requester_and_stake_from_scheduler(hub, make_deal, requester, scheduler):
    free_r, free_s = hub.balanceOf(requester), hub.balanceOf(scheduler)
    deal = make_deal(volume=5, with_dataset=True)
    price = (APP_PRICE + DATASET_PRICE + WORKERPOOL_PRICE) * 5
    stake = WORKERPOOL_PRICE * 30 // 100 * 5
    assert price == deal_price(*deal.orders[:3]) * 5 and stake == scheduler_stake(WORKERPOOL_PRICE) * 5
    assert hub.balanceOf(requester) == free_r - price and hub.frozenOf(requester) == price
    assert hub.balanceOf(scheduler) == free_s - stake and hub.frozenOf(scheduler) == stake
    assert hub.balanceOf(hub) == price + stake
    assert deal.tx.events["Lock"][0].values() == [requester, price]
    assert deal.tx.events["Lock"][1].values() == [scheduler, stake]
    assert deal.tx.events["Transfer"][0].values() == [requester, hub, price]


def test_scheduler_stake_rounds_per_task(hub, make_deal, scheduler):
    # pct(7, 30) = 2 per task, times 10 = 20 (not pct(70, 30) = 21)
    make_deal(volume=10, workerpool_price=7)
    assert hub.frozenOf(scheduler) == 20


def test_deal_record_without_dataset(hub, make_deal, market, requester, app_owner, scheduler):
    deal = make_deal(volume=2, trust=0, params='{"iexec_args":"x"}')
    d = hub.viewDeal(deal.dealid)
    assert d["app"] == (market.app, app_owner, APP_PRICE)
    assert d["dataset"] == (brownie.ZERO_ADDRESS, brownie.ZERO_ADDRESS, 0)
    assert d["workerpool"] == (market.workerpool, scheduler, WORKERPOOL_PRICE)
    assert d["trust"] == 1  # max(trust, 1)
    assert d["category"] == 0 and d["tag"] == "0x" + "00" * 32
    assert d["requester"] == requester and d["beneficiary"] == requester and d["sponsor"] == requester
    assert d["callback"] == brownie.ZERO_ADDRESS and d["params"] == '{"iexec_args":"x"}'
    assert d["startTime"] == deal.start
    assert (d["botFirst"], d["botSize"]) == (0, 2)
    assert d["workerStake"] == WORKERPOOL_PRICE * 30 // 100
    assert d["schedulerRewardRatio"] == 1


def test_deal_record_with_every_optional_field(hub, make_deal, market, dataset_owner, sponsor, anyone):
    long_tag = (0x1 | 1 << 40).to_bytes(32, "big")  # does not fit the 32-bit short tag
    deal = make_deal(
        with_dataset=True,
        trust=3,
        category=2,
        tag=long_tag,
        beneficiary=anyone,
        callback=anyone,
        sponsor=sponsor,
        workerpoolorder={"trust": 3},
    )
    d = hub.viewDeal(deal.dealid)
    assert d["dataset"] == (market.dataset, dataset_owner, DATASET_PRICE)
    assert d["trust"] == 3 and d["category"] == 2 and d["tag"] == "0x" + long_tag.hex()
    assert d["beneficiary"] == anyone and d["callback"] == anyone and d["sponsor"] == sponsor


def test_policy_is_snapshotted(hub, make_deal, market, scheduler):
    market.workerpool.changePolicy(50, 20, {"from": scheduler})
    deal = make_deal()
    market.workerpool.changePolicy(10, 90, {"from": scheduler})
    d = hub.viewDeal(deal.dealid)
    assert (d["workerStake"], d["schedulerRewardRatio"]) == (WORKERPOOL_PRICE * 50 // 100, 20)


def test_dataset_order_tee_framework_bits_are_ignored(hub, make_orders, sign_orders, requester):
    # v6.2: a Scone-tagged (0x3) dataset order runs on a TDX pool (0x9) when the app asks for TEE+TDX
    orders = make_orders(with_dataset=True, sign=False, tag=TDX_TEE)
    orders.dataset.tag = (0x3).to_bytes(32, "big")
    sign_orders(orders)
    tx = hub.matchOrders(*orders.as_args(), {"from": requester})
    assert hub.viewDeal(tx.events["OrdersMatched"]["dealid"])["tag"] == "0x" + TDX_TEE.hex()


def test_tdx_tee_tags_as_the_sdk_sends_them(hub, make_deal):
    deal = make_deal(tag=TDX_TEE)
    assert hub.viewDeal(deal.dealid)["tag"] == "0x" + TDX_TEE.hex()


def test_partial_fills_cut_contiguous_deals(hub, make_orders, sign_orders, domain, requester):
    orders = make_orders(sign=False, volume=10)
    orders.app.volume, orders.workerpool.volume = 4, 7
    sign_orders(orders)
    first = hub.matchOrders(*orders.as_args(), {"from": requester}).events["OrdersMatched"]
    assert first["volume"] == 4  # app order exhausted
    app_hash, _, wp_hash, req_hash = orders.hashes(domain)
    assert (
        hub.viewConsumed(app_hash) == 4 and hub.viewConsumed(wp_hash) == 4 and hub.viewConsumed(req_hash) == 4
    )
    # a fresh app order continues the same request and workerpool orders
    orders = orders._replace(app=orders.app.replace(volume=100, salt=b"\x01" * 32))
    sign_orders(orders)
    second = hub.matchOrders(*orders.as_args(), {"from": requester}).events["OrdersMatched"]
    assert second["volume"] == 3  # workerpool order: 7 - 4
    deals = [hub.viewDeal(e["dealid"]) for e in (first, second)]
    assert [(d["botFirst"], d["botSize"]) for d in deals] == [(0, 4), (4, 3)]
    assert second["dealid"] == "0x" + deal_id(req_hash, 4).hex() != first["dealid"]
    assert hub.viewConsumed(req_hash) == 7


def test_repeated_match_until_exhausted(hub, make_orders, domain, requester):
    orders = make_orders(volume=2)
    hub.matchOrders(*orders.as_args(), {"from": requester})
    with brownie.reverts():
        hub.matchOrders(*orders.as_args(), {"from": requester})
    assert hub.computeDealVolume(*orders.as_args()) == 0


def test_compute_deal_volume(hub, make_orders, sign_orders, requester):
    orders = make_orders(with_dataset=True, sign=False, volume=9)
    orders.dataset.volume = 5
    sign_orders(orders)
    assert hub.computeDealVolume(*orders.as_args()) == 5
    hub.matchOrders(*orders.as_args(), {"from": requester})
    assert hub.computeDealVolume(*orders.as_args()) == 0


def test_sponsor_pays_and_is_recorded(hub, make_deal, requester, sponsor):
    requester_free = hub.balanceOf(requester)
    deal = make_deal(volume=2, sponsor=sponsor)
    assert deal.tx.events["DealSponsored"].values() == [deal.dealid, sponsor]
    assert hub.frozenOf(sponsor) == (APP_PRICE + WORKERPOOL_PRICE) * 2
    assert hub.balanceOf(requester) == requester_free and hub.frozenOf(requester) == 0
    assert hub.viewDeal(deal.dealid)["sponsor"] == sponsor


def test_anyone_can_match_and_the_requester_pays(hub, make_deal, requester, anyone):
    deal = make_deal(sender=anyone)
    assert hub.frozenOf(requester) == APP_PRICE + WORKERPOOL_PRICE
    assert hub.viewDeal(deal.dealid)["sponsor"] == requester


def test_free_deal_locks_zero(hub, make_deal, requester, scheduler):
    deal = make_deal(app_price=0, workerpool_price=0)
    assert [e["amount"] for e in deal.tx.events["Lock"]] == [0, 0]
    assert hub.frozenOf(requester) == 0 and hub.frozenOf(scheduler) == 0
