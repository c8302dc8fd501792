"""HubBase escrow primitives (lock, unlock, seize+reward, seize to the kitty) and their exact v5 events, driven
through the test-only EscrowHarness module."""

import pytest
from custom_errors import reverts_with

from offchain.protocol.constants import KITTY_ADDRESS
from offchain.protocol.constants import NRLC_PER_RLC as RLC

REF = "0x" + "ab" * 32


@pytest.fixture(scope="module")
def h(escrow_harness):
    return escrow_harness.hub


@pytest.fixture
def funded(h, escrow_harness, requester):
    escrow_harness.token.approveAndCall(h, 10 * RLC, b"", {"from": requester})
    return requester


def test_lock_moves_free_to_frozen(h, funded):
    tx = h.harnessLock(funded, 4 * RLC, {"from": funded})
    assert (h.balanceOf(funded), h.frozenOf(funded), h.balanceOf(h)) == (6 * RLC, 4 * RLC, 4 * RLC)
    assert tx.events["Transfer"].values() == [funded, h, 4 * RLC]
    assert tx.events["Lock"].values() == [funded, 4 * RLC]


def test_lock_above_free_balance_reverts(h, funded):
    with reverts_with("InsufficientBalance", funded, 10 * RLC, 11 * RLC):
        h.harnessLock(funded, 11 * RLC, {"from": funded})


def test_unlock_moves_frozen_to_free(h, funded):
    h.harnessLock(funded, 4 * RLC, {"from": funded})
    tx = h.harnessUnlock(funded, 3 * RLC, {"from": funded})
    assert (h.balanceOf(funded), h.frozenOf(funded), h.balanceOf(h)) == (9 * RLC, RLC, RLC)
    assert tx.events["Transfer"].values() == [h, funded, 3 * RLC]
    assert tx.events["Unlock"].values() == [funded, 3 * RLC]


def test_unlock_above_frozen_reverts(h, funded):
    h.harnessLock(funded, RLC, {"from": funded})
    with reverts_with("InsufficientFrozen", funded, RLC, RLC + 1):
        h.harnessUnlock(funded, RLC + 1, {"from": funded})


def test_seize_then_reward_pays_another_account(h, funded, anyone):
    h.harnessLock(funded, 4 * RLC, {"from": funded})
    tx = h.harnessSeizeAndReward(funded, 4 * RLC, anyone, REF, {"from": funded})
    assert (h.frozenOf(funded), h.balanceOf(h), h.balanceOf(anyone)) == (0, 0, 4 * RLC)
    assert tx.events["Seize"].values() == [funded, 4 * RLC, REF]
    assert tx.events["Transfer"].values() == [h, anyone, 4 * RLC]
    assert tx.events["Reward"].values() == [anyone, 4 * RLC, REF]


def test_seize_above_frozen_reverts(h, funded, anyone):
    h.harnessLock(funded, RLC, {"from": funded})
    with reverts_with("InsufficientFrozen", funded, RLC, 2 * RLC):
        h.harnessSeizeAndReward(funded, 2 * RLC, anyone, REF, {"from": funded})


def test_seize_to_kitty_freezes_it_on_the_kitty(h, funded):
    h.harnessLock(funded, 4 * RLC, {"from": funded})
    tx = h.harnessSeizeToKitty(funded, 4 * RLC, REF, {"from": funded})
    assert (h.frozenOf(funded), h.frozenOf(KITTY_ADDRESS), h.balanceOf(KITTY_ADDRESS)) == (0, 4 * RLC, 0)
    assert h.balanceOf(h) == 4 * RLC  # still backing the kitty's frozen amount
    assert [e.name for e in tx.events] == ["Seize", "Reward", "Lock"]  # no Transfer: no balance round trip
    assert tx.events["Reward"].values() == [KITTY_ADDRESS, 4 * RLC, REF]
    assert tx.events["Lock"].values() == [KITTY_ADDRESS, 4 * RLC]
