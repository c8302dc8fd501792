// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @title GarbageIdentity
/// @notice Test-only: answers every call with the single word 2, which is neither `true` nor the ERC-1271 magic
///         value, to test that the hub reads such answers as "no".
contract GarbageIdentity {
    fallback(bytes calldata) external returns (bytes memory) {
        return abi.encode(uint256(2));
    }
}
