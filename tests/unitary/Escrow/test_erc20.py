"""SRLC as an ERC-20: metadata, views, transfer, approve, allowance changes, transferFrom, approveAndCall."""

import brownie
from brownie import ZERO_ADDRESS, TokenRecipientRecorder
from custom_errors import reverts_with

AMOUNT = 10 * 10**9
MAX = 2**256 - 1


def test_metadata(hub):
    assert hub.name() == "Staked RLC"
    assert hub.symbol() == "SRLC"
    assert hub.decimals() == 9


def test_view_account_is_free_and_frozen(hub, requester, deposit):
    deposit(requester, AMOUNT)
    assert hub.viewAccount(requester) == (AMOUNT, 0)
    assert hub.frozenOf(requester) == 0


# ---- transfer ----


def test_transfer_moves_free_balance(hub, requester, anyone, deposit):
    deposit(requester, AMOUNT)
    tx = hub.transfer(anyone, 3, {"from": requester})
    assert hub.balanceOf(requester) == AMOUNT - 3
    assert hub.balanceOf(anyone) == 3
    assert tx.events["Transfer"].values() == [requester, anyone, 3]


def test_transfer_above_balance_reverts(hub, requester, anyone, deposit):
    deposit(requester, AMOUNT)
    with reverts_with("InsufficientBalance", requester, AMOUNT, AMOUNT + 1):
        hub.transfer(anyone, AMOUNT + 1, {"from": requester})


def test_transfer_to_zero_reverts(hub, requester, deposit):
    deposit(requester, AMOUNT)
    with reverts_with("ZeroAddress"):
        hub.transfer(ZERO_ADDRESS, 1, {"from": requester})


# ---- approve / increaseAllowance / decreaseAllowance ----


def test_approve_sets_allowance(hub, requester, anyone):
    tx = hub.approve(anyone, 7, {"from": requester})
    assert hub.allowance(requester, anyone) == 7
    assert tx.events["Approval"].values() == [requester, anyone, 7]


def test_approve_zero_spender_reverts(hub, requester):
    with reverts_with("ZeroAddress"):
        hub.approve(ZERO_ADDRESS, 7, {"from": requester})


def test_increase_allowance(hub, requester, anyone):
    hub.approve(anyone, 7, {"from": requester})
    tx = hub.increaseAllowance(anyone, 5, {"from": requester})
    assert hub.allowance(requester, anyone) == 12
    assert tx.events["Approval"].values() == [requester, anyone, 12]


def test_decrease_allowance(hub, requester, anyone):
    hub.approve(anyone, 7, {"from": requester})
    tx = hub.decreaseAllowance(anyone, 5, {"from": requester})
    assert hub.allowance(requester, anyone) == 2
    assert tx.events["Approval"].values() == [requester, anyone, 2]


def test_decrease_allowance_below_zero_reverts(hub, requester, anyone):
    hub.approve(anyone, 7, {"from": requester})
    with reverts_with("InsufficientAllowance", requester, anyone, 7, 8):
        hub.decreaseAllowance(anyone, 8, {"from": requester})


# ---- transferFrom ----


def test_transfer_from_spends_allowance(hub, requester, sponsor, anyone, deposit):
    deposit(requester, AMOUNT)
    hub.approve(sponsor, 5, {"from": requester})
    tx = hub.transferFrom(requester, anyone, 4, {"from": sponsor})
    assert hub.allowance(requester, sponsor) == 1
    assert hub.balanceOf(anyone) == 4
    assert tx.events["Transfer"].values() == [requester, anyone, 4]


def test_transfer_from_infinite_allowance_is_not_spent(hub, requester, sponsor, anyone, deposit):
    deposit(requester, AMOUNT)
    hub.approve(sponsor, MAX, {"from": requester})
    hub.transferFrom(requester, anyone, 4, {"from": sponsor})
    assert hub.allowance(requester, sponsor) == MAX


def test_transfer_from_above_allowance_reverts(hub, requester, sponsor, anyone, deposit):
    deposit(requester, AMOUNT)
    hub.approve(sponsor, 5, {"from": requester})
    with reverts_with("InsufficientAllowance", requester, sponsor, 5, 6):
        hub.transferFrom(requester, anyone, 6, {"from": sponsor})


def test_transfer_from_above_balance_reverts(hub, requester, sponsor, anyone, deposit):
    deposit(requester, AMOUNT)
    hub.approve(sponsor, MAX, {"from": requester})
    with reverts_with("InsufficientBalance", requester, AMOUNT, AMOUNT + 1):
        hub.transferFrom(requester, anyone, AMOUNT + 1, {"from": sponsor})


# ---- approveAndCall ----


def test_approve_and_call_calls_recipient(hub, owner, requester):
    recipient = TokenRecipientRecorder.deploy({"from": owner})
    tx = hub.approveAndCall(recipient, 9, b"\xaa", {"from": requester})
    assert hub.allowance(requester, recipient) == 9
    assert tx.events["Approval"].values() == [requester, recipient, 9]
    assert tx.events["ApprovalReceived"].values() == [requester, 9, hub, "0xaa"]


def test_approve_and_call_to_the_hub_is_the_wrong_token(hub, requester):
    # the hub's receiveApproval only accepts RLC: SRLC approveAndCall to it fails
    with reverts_with("WrongToken", hub):
        hub.approveAndCall(hub, 9, b"", {"from": requester})


def test_approve_and_call_to_an_account_reverts(hub, requester, anyone):
    with brownie.reverts():
        hub.approveAndCall(anyone, 9, b"", {"from": requester})


def test_transfer_to_the_hub_reverts(hub, requester, deposit):
    # the hub's own balance only backs frozen amounts (SPECIFICATION §9 invariant 2)
    deposit(requester, AMOUNT)
    with reverts_with("RecipientIsTheHub"):
        hub.transfer(hub, 1, {"from": requester})


def test_transfer_from_to_the_hub_reverts(hub, requester, sponsor, deposit):
    deposit(requester, AMOUNT)
    hub.approve(sponsor, 1, {"from": requester})
    with reverts_with("RecipientIsTheHub"):
        hub.transferFrom(requester, hub, 1, {"from": sponsor})
