// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IERC734} from "../../interfaces/IERC734.sol";

/// @title TestIdentity
/// @notice Test-only identity contract: an ERC-1271 signer (valid iff `signature` is its controller's ECDSA
///         signature of the hash) and an ERC-734 key manager (keys with purposes, e.g. 4 = restriction group member).
///         `setReverting(true)` makes every answer revert, to test that the hub treats a revert as "no".
contract TestIdentity is IERC734 {
    /// Thrown by every answer while reverting is on, and by a zero controller.
    error RevertedOnPurpose();

    address private immutable CONTROLLER;
    bool public reverting;
    mapping(bytes32 key => mapping(uint256 purpose => bool)) private _keys;

    constructor(address controller_) {
        if (controller_ == address(0)) revert RevertedOnPurpose();
        CONTROLLER = controller_;
    }

    /// @notice The key whose ECDSA signatures this identity accepts (ERC-1271).
    function controller() external view returns (address) {
        return CONTROLLER;
    }

    function setReverting(bool reverting_) external {
        reverting = reverting_;
    }

    /// @notice Same as setReverting, by mode number: 0 honest, anything else reverting (used by the Boost tests).
    function setMode(uint8 mode) external {
        reverting = mode != 0;
    }

    function addKey(bytes32 key, uint256 purpose) external {
        _keys[key][purpose] = true;
    }

    function removeKey(bytes32 key, uint256 purpose) external {
        _keys[key][purpose] = false;
    }

    /// @notice ERC-734
    function keyHasPurpose(bytes32 key, uint256 purpose) external view returns (bool) {
        if (reverting) revert RevertedOnPurpose();
        return _keys[key][purpose];
    }

    /// @notice ERC-1271: the magic value for the controller's signature; a malformed or foreign one reverts.
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (reverting) revert RevertedOnPurpose();
        return ECDSA.recoverCalldata(hash, signature) == CONTROLLER ? this.isValidSignature.selector : bytes4(0);
    }
}
