// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {AssetDirectory} from "../core/AssetDirectory.sol";
import {HubBase} from "../core/HubBase.sol";
import {HubStorage} from "../core/HubStorage.sol";
import {LibOrders} from "../libraries/LibOrders.sol";
import {LibSignatures} from "../libraries/LibSignatures.sol";
import {IexecTypes} from "../../interfaces/IexecTypes.sol";
import {IMarket} from "../../interfaces/IMarket.sol";
import {IOrderManagement} from "../../interfaces/IOrderManagement.sol";

/// @title OrderModule
/// @notice On-chain order management (SPECIFICATION §3.6): presign (SIGN) or close (CLOSE) an order, sent by its owner
///         or relayed with the owner's signature over the operation; order broadcast; the signature views.
contract OrderModule is AssetDirectory, IOrderManagement {
    constructor(address token, address appRegistry, address datasetRegistry, address workerpoolRegistry)
        HubBase(token, appRegistry, datasetRegistry, workerpoolRegistry)
    {}

    // ---------------------------------------------------------------------------------------------------------------
    // manage*Order
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IOrderManagement
    function manageAppOrder(IexecTypes.AppOrderOperation calldata op) external {
        address owner = _appOwner(op.order.app);
        if (owner == address(0)) revert IMarket.AppNotRegistered(op.order.app);
        (bool signed, bytes32 orderHash) =
            _manage(owner, LibOrders.hash(op), LibOrders.hash(op.order), op.operation, op.order.volume, op.sign);
        if (signed) emit SignedAppOrder(orderHash);
        else emit ClosedAppOrder(orderHash);
    }

    /// @inheritdoc IOrderManagement
    function manageDatasetOrder(IexecTypes.DatasetOrderOperation calldata op) external {
        address owner = _datasetOwner(op.order.dataset);
        if (owner == address(0)) revert IMarket.DatasetNotRegistered(op.order.dataset);
        (bool signed, bytes32 orderHash) =
            _manage(owner, LibOrders.hash(op), LibOrders.hash(op.order), op.operation, op.order.volume, op.sign);
        if (signed) emit SignedDatasetOrder(orderHash);
        else emit ClosedDatasetOrder(orderHash);
    }

    /// @inheritdoc IOrderManagement
    function manageWorkerpoolOrder(IexecTypes.WorkerpoolOrderOperation calldata op) external {
        (address owner,,) = _workerpoolOwnerAndPolicy(op.order.workerpool);
        if (owner == address(0)) revert IMarket.WorkerpoolNotRegistered(op.order.workerpool);
        (bool signed, bytes32 orderHash) =
            _manage(owner, LibOrders.hash(op), LibOrders.hash(op.order), op.operation, op.order.volume, op.sign);
        if (signed) emit SignedWorkerpoolOrder(orderHash);
        else emit ClosedWorkerpoolOrder(orderHash);
    }

    /// @inheritdoc IOrderManagement
    function manageRequestOrder(IexecTypes.RequestOrderOperation calldata op) external {
        address owner = op.order.requester;
        (bool signed, bytes32 orderHash) =
            _manage(owner, LibOrders.hash(op), LibOrders.hash(op.order), op.operation, op.order.volume, op.sign);
        if (signed) emit SignedRequestOrder(orderHash);
        else emit ClosedRequestOrder(orderHash);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // broadcast*Order: an on-chain relay for order books, no state
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IOrderManagement
    function broadcastAppOrder(IexecTypes.AppOrder calldata apporder) external {
        emit BroadcastAppOrder(apporder);
    }

    /// @inheritdoc IOrderManagement
    function broadcastDatasetOrder(IexecTypes.DatasetOrder calldata datasetorder) external {
        emit BroadcastDatasetOrder(datasetorder);
    }

    /// @inheritdoc IOrderManagement
    function broadcastWorkerpoolOrder(IexecTypes.WorkerpoolOrder calldata workerpoolorder) external {
        emit BroadcastWorkerpoolOrder(workerpoolorder);
    }

    /// @inheritdoc IOrderManagement
    function broadcastRequestOrder(IexecTypes.RequestOrder calldata requestorder) external {
        emit BroadcastRequestOrder(requestorder);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IOrderManagement
    function verifySignature(address identity, bytes32 hash, bytes calldata signature) external view returns (bool) {
        return LibSignatures.isValidSignature(identity, hash, signature);
    }

    /// @inheritdoc IOrderManagement
    function verifyPresignature(address identity, bytes32 hash) external view returns (bool) {
        return LibSignatures.isPresigned(identity, hash);
    }

    /// @inheritdoc IOrderManagement
    function verifyPresignatureOrSignature(address identity, bytes32 hash, bytes calldata signature)
        external
        view
        returns (bool)
    {
        return LibSignatures.isPresignedOrSigned(identity, hash, signature);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Internal
    // ---------------------------------------------------------------------------------------------------------------

    /// @dev What every manage*Order does once the order's owner is known: the owner sends the operation itself, or
    ///      anyone relays it with the owner's signature over its typed-data hash; then SIGN presigns the order for
    ///      its current owner, or CLOSE marks its whole volume consumed (irreversible). Returns true for SIGN.
    function _manage(
        address owner,
        bytes32 operationStructHash,
        bytes32 orderStructHash,
        IexecTypes.OrderOperationEnum operation,
        uint256 volume,
        bytes calldata sign
    ) private returns (bool signed, bytes32 orderHash) {
        bytes32 separator = _domainSeparator();
        if (msg.sender != owner) {
            bytes32 operationHash = LibOrders.toTypedDataHash(separator, operationStructHash);
            if (!LibSignatures.isValidSignature(owner, operationHash, sign)) {
                revert InvalidSenderOrSignature(msg.sender, owner);
            }
        }
        orderHash = LibOrders.toTypedDataHash(separator, orderStructHash);
        HubStorage.Layout storage $ = HubStorage.layout();
        if (operation == IexecTypes.OrderOperationEnum.SIGN) {
            $.presigned[orderHash] = owner;
            return (true, orderHash);
        }
        $.consumed[orderHash] = volume;
        return (false, orderHash);
    }
}
