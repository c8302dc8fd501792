"""withdraw(amount) / withdrawTo(amount, target): burn SRLC, send RLC."""

from brownie import ZERO_ADDRESS
from custom_errors import reverts_with

AMOUNT = 5 * 10**9


def test_withdraw_burns_and_pays(hub, token, requester, deposit):
    deposit(requester, AMOUNT)
    rlc_before = token.balanceOf(requester)
    tx = hub.withdraw(2 * 10**9, {"from": requester})
    assert hub.balanceOf(requester) == AMOUNT - 2 * 10**9
    assert hub.totalSupply() == AMOUNT - 2 * 10**9
    assert token.balanceOf(requester) == rlc_before + 2 * 10**9
    assert tx.events["Transfer"][0].values() == [requester, ZERO_ADDRESS, 2 * 10**9]


def test_withdraw_more_than_balance_reverts(hub, requester, deposit):
    deposit(requester, AMOUNT)
    with reverts_with("InsufficientBalance", requester, AMOUNT, AMOUNT + 1):
        hub.withdraw(AMOUNT + 1, {"from": requester})


def test_withdraw_to_pays_target(hub, token, requester, anyone, deposit):
    deposit(requester, AMOUNT)
    before = token.balanceOf(anyone)
    hub.withdrawTo(AMOUNT, anyone, {"from": requester})
    assert token.balanceOf(anyone) == before + AMOUNT
    assert hub.balanceOf(requester) == 0


def test_withdraw_to_more_than_balance_reverts(hub, requester, anyone, deposit):
    deposit(requester, AMOUNT)
    with reverts_with("InsufficientBalance", requester, AMOUNT, AMOUNT * 2):
        hub.withdrawTo(AMOUNT * 2, anyone, {"from": requester})
