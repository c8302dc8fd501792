// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IexecTypes} from "./IexecTypes.sol";

/// @title IMarket
/// @notice Matching four compatible orders into a deal (classic PoCo).
interface IMarket {
    // ---- compatibility (SPECIFICATION §3.7 steps 1-8) ----
    /// Thrown when the request and workerpool orders are for different categories.
    error CategoryMismatch(uint256 requestCategory, uint256 workerpoolCategory);
    // an unknown category is ICategoryManager.UnknownCategory(catid, count)
    /// Thrown when the request asks for more trust than the workerpool order accepts.
    error TrustTooHigh(uint256 requestTrust, uint256 workerpoolTrust);
    /// Thrown when the app order's price exceeds the request's maximum app price.
    error AppOverpriced(uint256 maxPrice, uint256 price);
    /// Thrown when the dataset order's price exceeds the request's maximum dataset price.
    error DatasetOverpriced(uint256 maxPrice, uint256 price);
    /// Thrown when the workerpool order's price exceeds the request's maximum workerpool price.
    error WorkerpoolOverpriced(uint256 maxPrice, uint256 price);
    /// Thrown when the combined tag `demand` (app | masked dataset | request) has a bit the workerpool does not offer.
    error TagNotOffered(bytes32 demand, bytes32 offer);
    /// Thrown when the requester or dataset demands TEE (tag bit 0) but the app order does not, or the reverse.
    error TeeTagMismatch(bytes32 demand, bytes32 appTag);

    // ---- matching (steps 9-10) ----
    /// Thrown when the request names another app than the app order's.
    error AppMismatch(address requestApp, address app);
    /// Thrown when the request names another dataset than the dataset order's (both are 0 without dataset).
    error DatasetMismatch(address requestDataset, address dataset);

    // ---- restrictions (steps 11-20): `restriction` is the order field, the second value the party it rejects ----
    /// Thrown when the request order's `workerpool` restriction rejects the workerpool.
    error WorkerpoolRestrictedByRequest(address restriction, address workerpool);
    /// Thrown when the app order's `datasetrestrict` rejects the dataset (0 when there is none).
    error DatasetRestrictedByApp(address restriction, address dataset);
    /// Thrown when the app order's `workerpoolrestrict` rejects the workerpool.
    error WorkerpoolRestrictedByApp(address restriction, address workerpool);
    /// Thrown when the app order's `requesterrestrict` rejects the requester.
    error RequesterRestrictedByApp(address restriction, address requester);
    /// Thrown when the dataset order's `apprestrict` rejects the app.
    error AppRestrictedByDataset(address restriction, address app);
    /// Thrown when the dataset order's `workerpoolrestrict` rejects the workerpool.
    error WorkerpoolRestrictedByDataset(address restriction, address workerpool);
    /// Thrown when the dataset order's `requesterrestrict` rejects the requester.
    error RequesterRestrictedByDataset(address restriction, address requester);
    /// Thrown when the workerpool order's `apprestrict` rejects the app.
    error AppRestrictedByWorkerpool(address restriction, address app);
    /// Thrown when the workerpool order's `datasetrestrict` rejects the dataset (0 when there is none).
    error DatasetRestrictedByWorkerpool(address restriction, address dataset);
    /// Thrown when the workerpool order's `requesterrestrict` rejects the requester.
    error RequesterRestrictedByWorkerpool(address restriction, address requester);

    // ---- authenticity (steps 21-24) ----
    /// Thrown when the app is not registered in the app registry.
    error AppNotRegistered(address app);
    /// Thrown when the app order is neither presigned nor signed by the app's current owner.
    error InvalidAppOrderSignature(bytes32 appHash, address owner);
    /// Thrown when the dataset is not registered in the dataset registry.
    error DatasetNotRegistered(address dataset);
    /// Thrown when the dataset order is neither presigned nor signed by the dataset's current owner.
    error InvalidDatasetOrderSignature(bytes32 datasetHash, address owner);
    /// Thrown when the workerpool is not registered in the workerpool registry.
    error WorkerpoolNotRegistered(address workerpool);
    /// Thrown when the workerpool order is neither presigned nor signed by the workerpool's current owner.
    error InvalidWorkerpoolOrderSignature(bytes32 workerpoolHash, address owner);
    /// Thrown when the request order is neither presigned nor signed by its requester.
    error InvalidRequestOrderSignature(bytes32 requestHash, address requester);

    // ---- availability and record (steps 25-27) ----
    /// Thrown when an order has no volume left (fully matched or closed); the first such order is named.
    error OrderConsumed(bytes32 orderHash);
    /// Thrown when an order price does not fit the 96 bits a deal stores it in.
    error PriceTooLarge(uint256 price);
    /// Thrown when the worker stake derived from the workerpool policy does not fit 96 bits.
    error WorkerStakeTooLarge(uint256 workerStake);
    /// Thrown when the request's trust does not fit the 64 bits a deal stores it in.
    error TrustTooLarge(uint256 trust);
    /// Thrown when the deal's task range [botFirst, botFirst + botSize) does not fit 48-bit indexes.
    error BagOfTasksTooLarge(uint256 botFirst, uint256 botSize);

    /// @notice A deal for `workerpool` was created; its scheduler should start the tasks.
    event SchedulerNotice(address indexed workerpool, bytes32 dealid);
    /// @notice Orders were matched into deal `dealid` of `volume` tasks (datasetHash is 0 without a dataset).
    event OrdersMatched(
        bytes32 dealid, bytes32 appHash, bytes32 datasetHash, bytes32 workerpoolHash, bytes32 requestHash, uint256 volume
    );
    /// @notice Deal `dealId` is paid by `sponsor` instead of its requester.
    event DealSponsored(bytes32 dealId, address sponsor);

    /// @notice Matches an app, a dataset (or the all-zero "no dataset" order with empty `sign`), a workerpool and a
    ///         request order into a deal of `volume` = the smallest remaining volume of the orders (SPECIFICATION §3.7).
    ///         Anyone may call it; the requester pays: (app + dataset + workerpool price) x volume is locked from
    ///         `requestorder.requester`, pct(workerpool price, 30) x volume from the workerpool owner.
    /// @dev Emits SchedulerNotice then OrdersMatched. Reverts with the custom error of the first broken rule.
    /// @return the deal id, keccak256(requestHash ‖ consumed[requestHash] before the match)
    function matchOrders(
        IexecTypes.AppOrder calldata apporder,
        IexecTypes.DatasetOrder calldata datasetorder,
        IexecTypes.WorkerpoolOrder calldata workerpoolorder,
        IexecTypes.RequestOrder calldata requestorder
    ) external returns (bytes32);

    /// @notice Same as matchOrders, but the caller pays for the deal instead of the requester (the deal's
    ///         `sponsor`); also emits DealSponsored.
    function sponsorMatchOrders(
        IexecTypes.AppOrder calldata apporder,
        IexecTypes.DatasetOrder calldata datasetorder,
        IexecTypes.WorkerpoolOrder calldata workerpoolorder,
        IexecTypes.RequestOrder calldata requestorder
    ) external returns (bytes32);

    /// @notice The volume a match of these orders would get now (0 when one of them has nothing left). Runs no
    ///         other check: a non-zero answer does not mean the orders match.
    function computeDealVolume(
        IexecTypes.AppOrder calldata apporder,
        IexecTypes.DatasetOrder calldata datasetorder,
        IexecTypes.WorkerpoolOrder calldata workerpoolorder,
        IexecTypes.RequestOrder calldata requestorder
    ) external view returns (uint256);
}
