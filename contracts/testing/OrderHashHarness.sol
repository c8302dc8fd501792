// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

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

    function recover(bytes32 hash, bytes calldata signature) external pure returns (address) {
        return LibSignatures.recover(hash, signature);
    }

    function isAuthorized(address restriction, address account) external view returns (bool) {
        return LibSignatures.isAuthorized(restriction, account);
    }
}
