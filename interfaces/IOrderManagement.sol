// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IexecTypes} from "./IexecTypes.sol";

/// @title IOrderManagement
/// @notice Presigning and closing orders on chain (owner or a signed operation), order broadcast, and the signature
///         checks the market uses (EOA ECDSA 65/64 bytes, ERC-1271 contracts, presignatures).
interface IOrderManagement {
    /// Thrown when a manage*Order operation is sent by someone other than the order's owner (asset owner, or the
    /// requester for a request order) and `sign` is not the owner's signature over the operation hash.
    error InvalidSenderOrSignature(address sender, address owner);

    event SignedAppOrder(bytes32 appHash);
    event SignedDatasetOrder(bytes32 datasetHash);
    event SignedWorkerpoolOrder(bytes32 workerpoolHash);
    event SignedRequestOrder(bytes32 requestHash);
    event ClosedAppOrder(bytes32 appHash);
    event ClosedDatasetOrder(bytes32 datasetHash);
    event ClosedWorkerpoolOrder(bytes32 workerpoolHash);
    event ClosedRequestOrder(bytes32 requestHash);
    event BroadcastAppOrder(IexecTypes.AppOrder apporder);
    event BroadcastDatasetOrder(IexecTypes.DatasetOrder datasetorder);
    event BroadcastWorkerpoolOrder(IexecTypes.WorkerpoolOrder workerpoolorder);
    event BroadcastRequestOrder(IexecTypes.RequestOrder requestorder);

    function manageAppOrder(IexecTypes.AppOrderOperation calldata appOrderOperation) external;
    function manageDatasetOrder(IexecTypes.DatasetOrderOperation calldata datasetOrderOperation) external;
    function manageWorkerpoolOrder(IexecTypes.WorkerpoolOrderOperation calldata workerpoolOrderOperation) external;
    function manageRequestOrder(IexecTypes.RequestOrderOperation calldata requestOrderOperation) external;

    function broadcastAppOrder(IexecTypes.AppOrder calldata apporder) external;
    function broadcastDatasetOrder(IexecTypes.DatasetOrder calldata datasetorder) external;
    function broadcastWorkerpoolOrder(IexecTypes.WorkerpoolOrder calldata workerpoolorder) external;
    function broadcastRequestOrder(IexecTypes.RequestOrder calldata requestorder) external;

    function verifySignature(address identity, bytes32 hash, bytes calldata signature) external view returns (bool);
    function verifyPresignature(address identity, bytes32 hash) external view returns (bool);
    function verifyPresignatureOrSignature(address identity, bytes32 hash, bytes calldata signature)
        external
        view
        returns (bool);
}
