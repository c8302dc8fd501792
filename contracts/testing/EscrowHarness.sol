// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {HubBase} from "../core/HubBase.sol";

/// @title EscrowHarness
/// @notice Test-only hub module exposing the escrow primitives of HubBase, so that tests can drive lock, unlock,
///         reward and seize directly. Never deployed by scripts/deploy.py (contracts/testing/, and not a `*Module`).
/// @dev Seize is only exposed paired with its payout, as the protocol always does in one transaction.
contract EscrowHarness is HubBase {
    constructor(address token, address appRegistry, address datasetRegistry, address workerpoolRegistry)
        HubBase(token, appRegistry, datasetRegistry, workerpoolRegistry)
    {}

    function harnessLock(address account, uint256 value) external {
        _lock(account, value);
    }

    function harnessUnlock(address account, uint256 value) external {
        _unlock(account, value);
    }

    /// @notice Seize `value` of `from`'s frozen amount and reward it to `to` (a task's payout).
    function harnessSeizeAndReward(address from, uint256 value, address to, bytes32 ref) external {
        _seize(from, value, ref);
        _reward(to, value, ref);
    }

    /// @notice Seize `value` of `from`'s frozen amount onto the kitty (a claimed task's scheduler stake).
    function harnessSeizeToKitty(address from, uint256 value, bytes32 ref) external {
        _seize(from, value, ref);
        _rewardKitty(value, ref);
    }
}
