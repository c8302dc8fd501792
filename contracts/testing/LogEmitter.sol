// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @title LogEmitter
/// @notice Test contract for the off-chain chain layer: emits the hub's SchedulerNotice on demand and reverts with
///         a custom error carrying arguments, so log following and revert decoding can be tested on a bare chain.
contract LogEmitter {
    /// Thrown when `value` exceeds the `max` this contract accepts.
    error ValueTooLarge(uint256 value, uint256 max);

    event SchedulerNotice(address indexed workerpool, bytes32 dealid);

    uint256 public value;

    function notice(address workerpool, bytes32 dealid) external {
        emit SchedulerNotice(workerpool, dealid);
    }

    function setValue(uint256 newValue) external {
        if (newValue > 10) revert ValueTooLarge(newValue, 10);
        value = newValue;
    }
}
