"""RLC: metadata, supply, approveAndCall."""

import brownie
from brownie import TokenRecipientRecorder

SUPPLY = 87_000_000 * 10**9


def test_metadata(token):
    assert token.name() == "iExec RLC Token"
    assert token.symbol() == "RLC"
    assert token.decimals() == 9


def test_whole_supply_minted_to_deployer(owner):
    token = brownie.RLC.deploy({"from": owner})
    assert token.totalSupply() == SUPPLY
    assert token.balanceOf(owner) == SUPPLY


def test_approve_and_call_approves_then_calls(token, owner, requester):
    recipient = TokenRecipientRecorder.deploy({"from": owner})
    tx = token.approveAndCall(recipient, 42, b"\x01\x02", {"from": requester})
    assert token.allowance(requester, recipient) == 42
    assert tx.events["Approval"].values() == [requester, recipient, 42]
    assert tx.events["ApprovalReceived"].values() == [requester, 42, token, "0x0102"]


def test_approve_and_call_to_a_non_recipient_reverts(token, requester, anyone):
    with brownie.reverts():
        token.approveAndCall(anyone, 42, b"", {"from": requester})
