// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IERC734} from "../../interfaces/IERC734.sol";

/// @title TestIdentity
/// @notice Test-only identity contract: an ERC-1271 signer (valid iff `signature` is its controller's ECDSA
///         signature of the hash) and an ERC-734 key manager (keys with purposes, e.g. 4 = restriction group member).
///         `setMode` makes every answer revert or lie, to test that the hub treats those as "no".
contract TestIdentity is IERC734 {
    enum Mode {
        Honest,
        Revert,
        Garbage // answers bytes that are neither the ERC-1271 magic value nor `true`
    }

    /// Thrown by every answer in Revert mode.
    error RevertedOnPurpose();

    address private immutable CONTROLLER;
    Mode public mode;
    mapping(bytes32 key => mapping(uint256 purpose => bool)) private _keys;

    constructor(address controller_) {
        if (controller_ == address(0)) revert RevertedOnPurpose();
        CONTROLLER = controller_;
    }

    /// @notice The key whose ECDSA signatures this identity accepts (ERC-1271).
    function controller() external view returns (address) {
        return CONTROLLER;
    }

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    function addKey(bytes32 key, uint256 purpose) external {
        _keys[key][purpose] = true;
    }

    function removeKey(bytes32 key, uint256 purpose) external {
        _keys[key][purpose] = false;
    }

    /// @notice ERC-734
    function keyHasPurpose(bytes32 key, uint256 purpose) external view returns (bool) {
        if (mode == Mode.Revert) revert RevertedOnPurpose();
        if (mode == Mode.Garbage) _returnGarbage();
        return _keys[key][purpose];
    }

    /// @notice ERC-1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (mode == Mode.Revert) revert RevertedOnPurpose();
        if (mode == Mode.Garbage) _returnGarbage();
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(hash, signature);
        bool valid = err == ECDSA.RecoverError.NoError && signer == CONTROLLER;
        return valid ? this.isValidSignature.selector : bytes4(0xffffffff);
    }

    function _returnGarbage() private pure {
        assembly {
            mstore(0x00, 0x02)
            return(0x00, 0x20)
        }
    }
}
