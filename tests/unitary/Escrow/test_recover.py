"""recover(): the owner mints RLC sent to the hub without a deposit."""

from brownie import ZERO_ADDRESS
from custom_errors import reverts_with

AMOUNT = 5 * 10**9


def test_recover_mints_the_excess_to_the_owner(hub, token, owner, requester, deposit):
    deposit(requester, AMOUNT)
    token.transfer(hub, 7, {"from": requester})
    tx = hub.recover({"from": owner})
    assert tx.events["Transfer"].values() == [ZERO_ADDRESS, owner, 7]
    assert hub.balanceOf(owner) == 7
    assert hub.totalSupply() == token.balanceOf(hub) == AMOUNT + 7


def test_recover_with_nothing_to_recover_mints_zero(hub, owner):
    tx = hub.recover({"from": owner})
    assert tx.events["Transfer"].values() == [ZERO_ADDRESS, owner, 0]
    assert hub.totalSupply() == 0


def test_recover_by_non_owner_reverts(hub, owner, anyone):
    with reverts_with("CallerIsNotTheOwner", anyone, owner):
        hub.recover({"from": anyone})
