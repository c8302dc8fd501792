"""A hub whose registries are not bound (scripts/deploy.deploy(bind=False)) reads every owner and policy from the
registries themselves: the same matches, the same errors, as with the directory."""

import pytest
from brownie import ZERO_ADDRESS
from custom_errors import reverts_with
from fixtures.orders import APP_PRICE, DATASET_PRICE, WORKERPOOL_PRICE, key_of


@pytest.fixture(scope="module")
def poco(owner, roles, role_funds):
    from scripts.deploy import deploy

    deployment = deploy(owner, record=False, bind=False)
    for account in roles:
        deployment.token.transfer(account, role_funds, {"from": owner})
    return deployment


def test_registries_are_unbound(poco):
    for registry in (poco.app_registry, poco.dataset_registry, poco.workerpool_registry):
        assert registry.hub() == ZERO_ADDRESS


def test_match_reads_owners_and_policy_from_the_registries(
    hub, market, make_deal, app_owner, dataset_owner, scheduler
):
    market.workerpool.changePolicy(45, 9, {"from": scheduler})
    deal = hub.viewDeal(make_deal(with_dataset=True).dealid)
    assert deal["app"] == (market.app, app_owner, APP_PRICE)
    assert deal["dataset"] == (market.dataset, dataset_owner, DATASET_PRICE)
    assert deal["workerpool"] == (market.workerpool, scheduler, WORKERPOOL_PRICE)
    assert (deal["workerStake"], deal["schedulerRewardRatio"]) == (WORKERPOOL_PRICE * 45 // 100, 9)


def test_transfer_is_seen_without_the_directory(
    hub, poco, market, make_orders, domain, app_owner, anyone, requester
):
    poco.app_registry.transferFrom(app_owner, anyone, int(market.app, 16), {"from": app_owner})
    orders = make_orders()
    with reverts_with("InvalidAppOrderSignature", orders.app.hash(domain), anyone):
        hub.matchOrders(*orders.as_args(), {"from": requester})
    orders.sign_all(domain, app_owner=key_of(anyone))
    hub.matchOrders(*orders.as_args(), {"from": requester})
