// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {LibOrders} from "../libraries/LibOrders.sol";
import {LibSignatures} from "../libraries/LibSignatures.sol";
import {IexecTypes} from "../../interfaces/IexecTypes.sol";

/// @title OrderHashHarness
/// @notice Test-only: exposes LibOrders' typehashes and struct hashes, and LibSignatures' pure checks, so that the
///         Python order model can be compared with the Solidity one without deploying the hub.
contract OrderHashHarness {
    function typehashes() external pure returns (bytes32[8] memory) {
        return [
            LibOrders.APPORDER_TYPEHASH,
            LibOrders.DATASETORDER_TYPEHASH,
            LibOrders.WORKERPOOLORDER_TYPEHASH,
            LibOrders.REQUESTORDER_TYPEHASH,
            LibOrders.APPORDEROPERATION_TYPEHASH,
            LibOrders.DATASETORDEROPERATION_TYPEHASH,
            LibOrders.WORKERPOOLORDEROPERATION_TYPEHASH,
            LibOrders.REQUESTORDEROPERATION_TYPEHASH
        ];
    }

    function hashApp(IexecTypes.AppOrder calldata order) external pure returns (bytes32) {
        return LibOrders.hash(order);
    }

    function hashDataset(IexecTypes.DatasetOrder calldata order) external pure returns (bytes32) {
        return LibOrders.hash(order);
    }

    function hashWorkerpool(IexecTypes.WorkerpoolOrder calldata order) external pure returns (bytes32) {
        return LibOrders.hash(order);
    }

    function hashRequest(IexecTypes.RequestOrder calldata order) external pure returns (bytes32) {
        return LibOrders.hash(order);
    }

    function hashAppOperation(IexecTypes.AppOrderOperation calldata op) external pure returns (bytes32) {
        return LibOrders.hash(op);
    }

    function hashRequestOperation(IexecTypes.RequestOrderOperation calldata op) external pure returns (bytes32) {
        return LibOrders.hash(op);
    }

    function typedDataHash(bytes32 separator, bytes32 structHash) external pure returns (bytes32) {
        return LibOrders.toTypedDataHash(separator, structHash);
    }

    function recover(bytes32 hash, bytes calldata signature) external view returns (address) {
        return LibSignatures.recover(hash, signature);
    }

    /// @notice LibSignatures.recover as it was written on OpenZeppelin's ECDSA.tryRecover: the reference of a
    ///         differential test (the library now calls the precompile itself).
    function recoverWithOpenZeppelin(bytes32 hash, bytes calldata signature) external pure returns (address) {
        bytes32 r;
        bytes32 s;
        address signer;
        ECDSA.RecoverError err;
        if (signature.length == 65) {
            uint8 v;
            assembly ("memory-safe") {
                r := calldataload(signature.offset)
                s := calldataload(add(signature.offset, 0x20))
                v := byte(0, calldataload(add(signature.offset, 0x40)))
            }
            if (v < 27) v += 27;
            (signer, err,) = ECDSA.tryRecover(hash, v, r, s);
        } else if (signature.length == 64) {
            assembly ("memory-safe") {
                r := calldataload(signature.offset)
                s := calldataload(add(signature.offset, 0x20))
            }
            (signer, err,) = ECDSA.tryRecover(hash, r, s);
        } else {
            return address(0);
        }
        return err == ECDSA.RecoverError.NoError ? signer : address(0);
    }

    function isAuthorized(address restriction, address account) external view returns (bool) {
        return LibSignatures.isAuthorized(restriction, account);
    }
}
