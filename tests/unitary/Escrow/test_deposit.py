"""deposit / depositFor / depositForArray: pull RLC, mint SRLC."""

from brownie import ZERO_ADDRESS
from custom_errors import reverts_with

AMOUNT = 5 * 10**9


def test_deposit_mints_srlc(hub, token, requester, deposit):
    rlc_before = token.balanceOf(requester)
    tx = deposit(requester, AMOUNT)
    assert hub.balanceOf(requester) == AMOUNT
    assert hub.totalSupply() == AMOUNT
    assert token.balanceOf(requester) == rlc_before - AMOUNT
    assert token.balanceOf(hub) == AMOUNT
    assert tx.events["Transfer"][0].values() == [ZERO_ADDRESS, requester, AMOUNT]
    assert tx.events["Transfer"][1].values() == [requester, hub, AMOUNT]  # the RLC move


def test_deposit_without_allowance_reverts(hub, token, requester):
    with reverts_with("ERC20InsufficientAllowance", hub, 0, AMOUNT):
        hub.deposit(AMOUNT, {"from": requester})


def test_deposit_for_credits_target(hub, token, requester, anyone):
    token.approve(hub, AMOUNT, {"from": requester})
    tx = hub.depositFor(AMOUNT, anyone, {"from": requester})
    assert hub.balanceOf(anyone) == AMOUNT
    assert hub.balanceOf(requester) == 0
    assert tx.events["Transfer"][0].values() == [ZERO_ADDRESS, anyone, AMOUNT]


def test_deposit_for_zero_address_reverts(hub, token, requester):
    token.approve(hub, AMOUNT, {"from": requester})
    with reverts_with("ZeroAddress"):
        hub.depositFor(AMOUNT, ZERO_ADDRESS, {"from": requester})


def test_deposit_for_array_credits_each_target(hub, token, requester, workers):
    token.approve(hub, 6, {"from": requester})
    hub.depositForArray([1, 2, 3], workers[:3], {"from": requester})
    assert [hub.balanceOf(w) for w in workers[:3]] == [1, 2, 3]
    assert hub.totalSupply() == 6
    assert token.balanceOf(hub) == 6


def test_deposit_for_array_length_mismatch_reverts(hub, token, requester, workers):
    token.approve(hub, 6, {"from": requester})
    with reverts_with("ArrayLengthMismatch", 3, 2):
        hub.depositForArray([1, 2, 3], workers[:2], {"from": requester})


def test_deposit_for_array_above_allowance_reverts(hub, token, requester, workers):
    token.approve(hub, 5, {"from": requester})
    with reverts_with("ERC20InsufficientAllowance", hub, 5, 6):
        hub.depositForArray([1, 2, 3], workers[:3], {"from": requester})


def test_deposit_via_rlc_approve_and_call(hub, token, requester):
    # what the iExec SDK does: one transaction, Approval + Transfer in the receipt
    tx = token.approveAndCall(hub, AMOUNT, b"", {"from": requester})
    assert hub.balanceOf(requester) == AMOUNT
    assert token.balanceOf(hub) == AMOUNT
    assert tx.events["Approval"][0].values() == [requester, hub, AMOUNT]
    assert [ZERO_ADDRESS, requester, AMOUNT] in [e.values() for e in tx.events["Transfer"]]


def test_deposit_for_the_hub_reverts(hub, token, requester):
    token.approve(hub, AMOUNT, {"from": requester})
    with reverts_with("RecipientIsTheHub"):
        hub.depositFor(AMOUNT, hub, {"from": requester})
