"""deposit(amount): pull RLC, mint SRLC."""

import brownie

AMOUNT = 5 * 10**9


def test_deposit_mints_srlc(hub, token, requester, deposit):
    rlc_before = token.balanceOf(requester)
    tx = deposit(requester, AMOUNT)
    assert hub.balanceOf(requester) == AMOUNT
    assert hub.totalSupply() == AMOUNT
    assert token.balanceOf(requester) == rlc_before - AMOUNT
    assert token.balanceOf(hub) == AMOUNT
    assert tx.events["Transfer"][0].values() == [brownie.ZERO_ADDRESS, requester, AMOUNT]


def test_deposit_without_allowance_reverts(hub, requester):
    with brownie.reverts():
        hub.deposit(AMOUNT, {"from": requester})
