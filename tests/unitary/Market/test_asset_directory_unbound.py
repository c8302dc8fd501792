"""A hub whose registries are not bound (scripts/deploy.deploy(bind=False)) reads every owner and policy from the
registries themselves: the same matches, the same errors, as with the directory. The directory module's transfer,
policy and refusal tests run here again, on this module's unbound deployment."""

import pytest
from brownie import ZERO_ADDRESS
from fixtures.orders import APP_PRICE, DATASET_PRICE, WORKERPOOL_PRICE

from unitary.Market.test_asset_directory import (  # noqa: F401  (collected again, with the fixtures below)
    test_a_policy_change_reaches_the_next_match,
    test_app_transfer_moves_who_signs_app_orders,
    test_dataset_transfer_moves_who_signs_dataset_orders,
    test_stake_ratios_beyond_the_directory_word_ask_the_registry,
    test_unregistered_assets_are_still_refused,
    test_workerpool_transfer_keeps_its_policy,
)


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
