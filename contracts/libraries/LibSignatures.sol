// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {HubStorage} from "../core/HubStorage.sol";
import {PocoConstants} from "./PocoConstants.sol";
import {IERC734} from "../../interfaces/IERC734.sol";

/// @title LibSignatures
/// @notice Who vouches for an order (SPECIFICATION §3.4): an ECDSA signature from an EOA (65-byte r‖s‖v or 64-byte
///         EIP-2098 r‖vs), an ERC-1271 answer from a contract identity, or a presignature made on chain by the
///         current owner; and the restriction rule of order fields `*restrict` (ERC-734 groups).
/// @dev Deliberate difference with PoCo v5: a signature of another length counts as invalid instead of reverting
///      "invalid-signature-format", so the market reports which order is unsigned (e.g. InvalidAppOrderSignature).
library LibSignatures {
    /// @dev True if `signature` over `hash` comes from `identity`: an ECDSA signature of its key, or else, when
    ///      `identity` has code, its ERC-1271 answer (a revert or a malformed answer counts as invalid).
    ///      ECDSA is tried first, as OpenZeppelin's SignatureChecker does: an EOA signer (the common case) then
    ///      costs no cold code-size lookup (2,600 gas per signer). No contract holds the key of its own address,
    ///      so a recovered match is always the identity's own key.
    function isValidSignature(address identity, bytes32 hash, bytes calldata signature)
        internal
        view
        returns (bool)
    {
        if (identity == address(0)) return false;
        if (recover(hash, signature) == identity) return true;
        return identity.code.length != 0
            && SignatureChecker.isValidERC1271SignatureNowCalldata(identity, hash, signature);
    }

    /// @dev The EOA that signed `hash`, or 0 when the signature is malformed or invalid. Accepts v in {0, 1} as
    ///      {27, 28} (as PoCo v5 did); rejects high-s (malleable) signatures. Same answers as OpenZeppelin's
    ///      ECDSA.tryRecover (a test compares them), calling the ecrecover precompile directly: no error tuple,
    ///      no free-memory bookkeeping.
    function recover(bytes32 hash, bytes calldata signature) internal view returns (address signer) {
        assembly ("memory-safe") {
            let v := 0 // any other length stays invalid: the precompile answers nothing for v = 0
            let r := calldataload(signature.offset)
            let s := calldataload(add(signature.offset, 0x20))
            switch signature.length
            case 65 {
                v := byte(0, calldataload(add(signature.offset, 0x40)))
                if lt(v, 27) { v := add(v, 27) }
            }
            case 64 {
                // EIP-2098 vs: v's parity in the top bit of s
                v := add(shr(255, s), 27)
                s := and(s, 0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff)
            }
            // s in the lower half order only (EIP-2, as OpenZeppelin)
            if and(gt(v, 0), iszero(gt(s, 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0))) {
                // arguments after the free memory pointer (not allocated); the answer in scratch space, which
                // stays 0 when the precompile rejects the input (it returns nothing then)
                let ptr := mload(0x40)
                mstore(ptr, hash)
                mstore(add(ptr, 0x20), v)
                mstore(add(ptr, 0x40), r)
                mstore(add(ptr, 0x60), s)
                mstore(0x00, 0)
                pop(staticcall(gas(), 0x01, ptr, 0x80, 0x00, 0x20))
                signer := mload(0x00)
            }
        }
    }

    /// @dev True if `hash` was presigned on chain by `identity`. The stored signer is compared with the owner the
    ///      caller passes, i.e. the owner *now*: a presignature stops working when the asset changes hands.
    function isPresigned(address identity, bytes32 hash) internal view returns (bool) {
        address signer = HubStorage.layout().presigned[hash];
        return signer != address(0) && signer == identity;
    }

    /// @dev Presigned OR signed. A non-empty signature is tried first: ecrecover is cheaper than the cold storage
    ///      read of a presignature, and fresh signed orders are the common case.
    function isPresignedOrSigned(address identity, bytes32 hash, bytes calldata signature)
        internal
        view
        returns (bool)
    {
        if (signature.length != 0 && isValidSignature(identity, hash, signature)) return true;
        return isPresigned(identity, hash);
    }

    /// @dev Restriction rule: 0 means open; else `account` must be the restriction itself or a member of the ERC-734
    ///      identity contract it names (key = account, purpose GROUPMEMBER). A revert, a short or non-`true` answer,
    ///      or an EOA restriction different from `account` all mean "not authorized".
    function isAuthorized(address restriction, address account) internal view returns (bool ok) {
        if (restriction == address(0) || restriction == account) return true;
        if (restriction.code.length == 0) return false;
        bytes memory data = abi.encodeCall(
            IERC734.keyHasPurpose, (bytes32(uint256(uint160(account))), PocoConstants.GROUPMEMBER_PURPOSE)
        );
        assembly ("memory-safe") {
            // at most one word of return data is copied, so a huge answer cannot bloat our memory
            let success := staticcall(gas(), restriction, add(data, 0x20), mload(data), 0x00, 0x20)
            ok := and(success, and(gt(returndatasize(), 0x1f), eq(mload(0x00), 1)))
        }
    }
}
