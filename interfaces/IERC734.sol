// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @title IERC734
/// @notice The part of ERC-734 (key manager identity) used for order restrictions: a restriction may name an
///         identity contract, and an account passes it when its key has purpose 4 (group member).
interface IERC734 {
    function keyHasPurpose(bytes32 key, uint256 purpose) external view returns (bool);
}
