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

    /// @notice SIGN (0) presigns the order for its owner (`viewPresigned(hash)` = owner), CLOSE (1) marks its whole
    ///         volume consumed, for good. Sent by the owner (the asset's NFT holder; the requester for a request
    ///         order) with any `sign`, or by anyone with `sign` = the owner's signature over the operation's
    ///         EIP-712 hash (`XOrderOperation(XOrder order,uint256 operation)`).
    function manageAppOrder(IexecTypes.AppOrderOperation calldata appOrderOperation) external;
    function manageDatasetOrder(IexecTypes.DatasetOrderOperation calldata datasetOrderOperation) external;
    function manageWorkerpoolOrder(IexecTypes.WorkerpoolOrderOperation calldata workerpoolOrderOperation) external;
    function manageRequestOrder(IexecTypes.RequestOrderOperation calldata requestOrderOperation) external;

    /// @notice Emits the order on chain for order books to pick up; no state change, no check.
    function broadcastAppOrder(IexecTypes.AppOrder calldata apporder) external;
    function broadcastDatasetOrder(IexecTypes.DatasetOrder calldata datasetorder) external;
    function broadcastWorkerpoolOrder(IexecTypes.WorkerpoolOrder calldata workerpoolorder) external;
    function broadcastRequestOrder(IexecTypes.RequestOrder calldata requestorder) external;

    /// @notice True if `signature` over `hash` is valid for `identity`: ERC-1271 `isValidSignature` when
    ///         `identity` is a contract (a revert counts as invalid), else ECDSA with a 65-byte (r, s, v) or a
    ///         64-byte EIP-2098 (r, vs) signature; any other length is invalid (PoCo v5 reverted instead).
    function verifySignature(address identity, bytes32 hash, bytes calldata signature) external view returns (bool);
    /// @notice True if `hash` was presigned (manage*Order SIGN) and the stored signer is `identity`.
    function verifyPresignature(address identity, bytes32 hash) external view returns (bool);
    /// @notice verifyPresignature OR verifySignature.
    function verifyPresignatureOrSignature(address identity, bytes32 hash, bytes calldata signature)
        external
        view
        returns (bool);
}
