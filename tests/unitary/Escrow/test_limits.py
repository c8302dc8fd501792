"""The SRLC supply cap and account words at their limits: a free balance and a frozen amount share one storage
word (HubStorage), so amounts at the cap must not carry from one half into the other. Driven on a hub whose token
has a 2^128 supply (AbundantToken), with the EscrowHarness module for lock / unlock / seize."""

from types import SimpleNamespace

import pytest
from brownie import Contract, project
from custom_errors import reverts_with

from offchain.protocol.constants import KITTY_ADDRESS

MAX_SUPPLY = 2**127 - 1
REF = "0x" + "cd" * 32


@pytest.fixture(scope="module")
def big(owner, requester, anyone):
    from scripts.deploy import deploy

    p = project.get_loaded_projects()[0]
    token = p.AbundantToken.deploy({"from": owner})
    deployment = deploy(
        owner, extra_modules={"EscrowHarness": p.EscrowHarness}, categories=False, record=False, token=token
    )
    hub = Contract.from_abi("BigHub", deployment.hub.address, p.interface.IIexecHub.abi + p.EscrowHarness.abi)
    token.transfer(requester, 2**128 - 1, {"from": owner})
    token.approve(hub, 2**256 - 1, {"from": requester})
    return SimpleNamespace(hub=hub, token=token)


def test_deposit_above_the_cap_reverts(big, requester):
    with reverts_with("SupplyCapExceeded", MAX_SUPPLY + 1, MAX_SUPPLY):
        big.hub.deposit(MAX_SUPPLY + 1, {"from": requester})
    assert big.hub.totalSupply() == 0


def test_full_supply_locks_unlocks_and_pays_without_carry(big, requester, anyone):
    hub = big.hub
    hub.deposit(MAX_SUPPLY, {"from": requester})
    with reverts_with("SupplyCapExceeded", MAX_SUPPLY + 1, MAX_SUPPLY):
        hub.deposit(1, {"from": requester})
    assert (hub.balanceOf(requester), hub.frozenOf(requester)) == (MAX_SUPPLY, 0)

    hub.harnessLock(requester, MAX_SUPPLY, {"from": requester})
    assert (hub.balanceOf(requester), hub.frozenOf(requester), hub.balanceOf(hub)) == (
        0,
        MAX_SUPPLY,
        MAX_SUPPLY,
    )
    assert hub.frozenOf(hub) == 0

    hub.harnessSeizeToKitty(requester, MAX_SUPPLY - 5, REF, {"from": requester})
    assert hub.frozenOf(KITTY_ADDRESS) == MAX_SUPPLY - 5
    assert (hub.balanceOf(KITTY_ADDRESS), hub.balanceOf(hub)) == (0, MAX_SUPPLY)

    hub.harnessSeizeAndReward(requester, 5, anyone, REF, {"from": requester})
    assert (hub.balanceOf(requester), hub.frozenOf(requester), hub.balanceOf(anyone)) == (0, 0, 5)
    assert hub.balanceOf(hub) == MAX_SUPPLY - 5 == hub.frozenOf(KITTY_ADDRESS)
    assert hub.totalSupply() == MAX_SUPPLY

    # the requester's word is empty but touched: locking again after a withdraw round trip still works
    hub.transfer(requester, 5, {"from": anyone})
    hub.harnessLock(requester, 5, {"from": requester})
    hub.harnessUnlock(requester, 5, {"from": requester})
    assert (hub.balanceOf(requester), hub.frozenOf(requester)) == (5, 0)
