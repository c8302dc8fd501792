"""owner / transferOwnership / renounceOwnership."""

from brownie import ZERO_ADDRESS
from custom_errors import reverts_with


def test_owner_is_the_deployer(hub, owner):
    assert hub.owner() == owner


def test_transfer_ownership(hub, owner, anyone):
    tx = hub.transferOwnership(anyone, {"from": owner})
    assert hub.owner() == anyone
    assert tx.events["OwnershipTransferred"].values() == [owner, anyone]
    # the new owner holds the owner's powers, the old one lost them
    hub.setCallbackGas(1, {"from": anyone})
    with reverts_with("CallerIsNotTheOwner", owner, anyone):
        hub.setCallbackGas(2, {"from": owner})


def test_transfer_ownership_to_zero_reverts(hub, owner):
    with reverts_with("NewOwnerIsTheZeroAddress"):
        hub.transferOwnership(ZERO_ADDRESS, {"from": owner})


def test_transfer_ownership_by_non_owner_reverts(hub, owner, anyone):
    with reverts_with("CallerIsNotTheOwner", anyone, owner):
        hub.transferOwnership(anyone, {"from": anyone})


def test_renounce_ownership(hub, owner):
    tx = hub.renounceOwnership({"from": owner})
    assert hub.owner() == ZERO_ADDRESS
    assert tx.events["OwnershipTransferred"].values() == [owner, ZERO_ADDRESS]
    with reverts_with("CallerIsNotTheOwner", owner, ZERO_ADDRESS):
        hub.createCategory("X", "", 1, {"from": owner})


def test_renounce_ownership_by_non_owner_reverts(hub, owner, anyone):
    with reverts_with("CallerIsNotTheOwner", anyone, owner):
        hub.renounceOwnership({"from": anyone})
