"""The hub's directory of registry entries (contracts/core/AssetDirectory.sol, LibEntryWords): binding a registry to
the hub, who may report, and that a match always sees the registry's current owner and policy (NFT transfers,
policy changes, a stake ratio too large for the directory word)."""

import pytest
from brownie import ZERO_ADDRESS, AppRegistry
from custom_errors import reverts_with
from fixtures.chain import key_of
from fixtures.orders import WORKERPOOL_PRICE


def test_deployment_binds_every_registry(poco, hub):
    for registry in (poco.app_registry, poco.dataset_registry, poco.workerpool_registry):
        assert registry.hub() == hub


def test_a_new_registry_is_unbound_and_binds_once(owner, hub):
    registry = AppRegistry.deploy(ZERO_ADDRESS, {"from": owner})
    assert registry.hub() == ZERO_ADDRESS
    tx = registry.bindHub(hub, {"from": owner})
    assert tx.events["HubBound"].values() == [hub]
    assert registry.hub() == hub
    with reverts_with("HubAlreadyBound", hub):
        registry.bindHub(hub, {"from": owner})


def test_only_the_deployer_binds(owner, hub, anyone):
    registry = AppRegistry.deploy(ZERO_ADDRESS, {"from": owner})
    with reverts_with("NotRegistryDeployer", anyone, owner):
        registry.bindHub(hub, {"from": anyone})


@pytest.mark.parametrize("target", ["zero", "account"])
def test_a_hub_must_be_a_contract(owner, anyone, target):
    registry = AppRegistry.deploy(ZERO_ADDRESS, {"from": owner})
    address = ZERO_ADDRESS if target == "zero" else anyone.address
    with reverts_with("InvalidHub", address):
        registry.bindHub(address, {"from": owner})
    assert registry.hub() == ZERO_ADDRESS


def test_only_the_hubs_registries_report(hub, owner, anyone, market):
    with reverts_with("NotARegistry", anyone):
        hub.onRegistryUpdate(market.app, int(anyone.address, 16), {"from": anyone})
    # a registry bound to this hub that the hub was not deployed with is refused too: it cannot mint
    stranger = AppRegistry.deploy(ZERO_ADDRESS, {"from": owner})
    stranger.bindHub(hub, {"from": owner})
    with reverts_with("NotARegistry", stranger):
        stranger.createApp(owner, "x", "DOCKER", b"m", b"\x01" * 32, b"", {"from": owner})


def _match(hub, orders, requester):
    return hub.viewDeal(
        hub.matchOrders(*orders.as_args(), {"from": requester}).events["OrdersMatched"]["dealid"]
    )


def test_app_transfer_moves_who_signs_app_orders(
    hub, poco, market, make_orders, domain, app_owner, anyone, requester
):
    poco.app_registry.transferFrom(app_owner, anyone, int(market.app, 16), {"from": app_owner})
    stale = make_orders()
    with reverts_with("InvalidAppOrderSignature", stale.app.hash(domain), anyone):
        hub.matchOrders(*stale.as_args(), {"from": requester})
    stale.sign_all(domain, app_owner=key_of(anyone))
    assert _match(hub, stale, requester)["app"][1] == anyone


def test_dataset_transfer_moves_who_signs_dataset_orders(
    hub, poco, market, make_orders, domain, dataset_owner, anyone, requester
):
    poco.dataset_registry.safeTransferFrom(
        dataset_owner, anyone, int(market.dataset, 16), {"from": dataset_owner}
    )
    stale = make_orders(with_dataset=True)
    with reverts_with("InvalidDatasetOrderSignature", stale.dataset.hash(domain), anyone):
        hub.matchOrders(*stale.as_args(), {"from": requester})
    stale.sign_all(domain, dataset_owner=key_of(anyone))
    assert _match(hub, stale, requester)["dataset"][1] == anyone


def test_workerpool_transfer_keeps_its_policy(
    hub, poco, market, make_orders, domain, deposit, scheduler, anyone, requester
):
    market.workerpool.changePolicy(40, 7, {"from": scheduler})
    poco.workerpool_registry.transferFrom(
        scheduler, anyone, int(market.workerpool.address, 16), {"from": scheduler}
    )
    deposit(anyone, 100 * WORKERPOOL_PRICE)  # the new owner locks the scheduler stake
    stale = make_orders()
    with reverts_with("InvalidWorkerpoolOrderSignature", stale.workerpool.hash(domain), anyone):
        hub.matchOrders(*stale.as_args(), {"from": requester})
    stale.sign_all(domain, scheduler=key_of(anyone))
    deal = _match(hub, stale, requester)
    assert deal["workerpool"][1] == anyone
    assert (deal["workerStake"], deal["schedulerRewardRatio"]) == (WORKERPOOL_PRICE * 40 // 100, 7)


def test_a_policy_change_reaches_the_next_match(hub, market, make_deal, scheduler):
    for stake, ratio in ((0, 100), (250, 0), (30, 1)):
        market.workerpool.changePolicy(stake, ratio, {"from": scheduler})
        deal = hub.viewDeal(make_deal().dealid)
        assert (deal["workerStake"], deal["schedulerRewardRatio"]) == (WORKERPOOL_PRICE * stake // 100, ratio)


@pytest.mark.parametrize("stake, price", [(2**88 - 1, 1), (2**88, 1), (2**239, 0)])
def test_stake_ratios_beyond_the_directory_word_ask_the_registry(
    hub, market, make_deal, scheduler, stake, price
):
    # 2^88 - 1 is the largest ratio the word holds; above, the registry reports 0 and the hub calls it at match time
    # (a tiny or zero workerpool price keeps the stake within what a deal stores)
    market.workerpool.changePolicy(stake, 3, {"from": scheduler})
    deal = hub.viewDeal(make_deal(workerpool_price=price).dealid)
    assert (deal["workerStake"], deal["schedulerRewardRatio"]) == (price * stake // 100, 3)
    market.workerpool.changePolicy(30, 1, {"from": scheduler})  # and back into the word
    deal = hub.viewDeal(make_deal().dealid)
    assert (deal["workerStake"], deal["schedulerRewardRatio"]) == (WORKERPOOL_PRICE * 30 // 100, 1)


def test_unregistered_assets_are_still_refused(hub, make_orders, domain, requester, anyone, market):
    orders = make_orders(app=market.dataset, sign=False)  # a dataset is no app
    with reverts_with("AppNotRegistered", market.dataset):
        hub.matchOrders(*orders.as_args(), {"from": requester})
    orders = make_orders(workerpool=anyone.address)  # the app order before it must be valid
    with reverts_with("WorkerpoolNotRegistered", anyone.address):
        hub.matchOrders(*orders.as_args(), {"from": requester})
