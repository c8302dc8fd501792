// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IexecTypes} from "./IexecTypes.sol";

/// @title IPocoBoost
/// @notice Two transactions per task for trust-1 (usually TEE) deals: one match for the deal, one push per task.
///         A Boost deal is matched with the same compatibility, restriction and signature checks as a classic deal
///         (`IMarket.matchOrders`, same errors), plus the Boost limits below. Its tasks are addressed by a
///         *relative* index in `[0, botSize)`; task id = keccak256(dealId ‖ index). A task goes from UNSET straight
///         to COMPLETED (`pushResultBoost`, before the deal's deadline) or FAILED (`claimBoost`, from the deadline).
/// @dev Differences from PoCo v5.5 (SPECIFICATION §12.5): a request asking for more trust than the workerpool order offers
///      is rejected, and a successful task is paid from the deal's sponsor (v5.5 seized the requester).
interface IPocoBoost {
    /// @notice A Boost deal for `workerpool` was created; its scheduler should run the deal's tasks.
    /// @param workerpool the workerpool executing the deal (indexed so schedulers filter their own)
    /// @param dealId the new deal
    /// @param app the application to run
    /// @param dataset the dataset to run it on, or 0
    /// @param category the category, which fixed the deal's deadline
    /// @param tag the combined tag of the app, dataset and request orders
    /// @param params the request's free parameters (arguments, input files, result storage, ...)
    /// @param beneficiary who receives the results off chain
    event SchedulerNoticeBoost(
        address indexed workerpool,
        bytes32 dealId,
        address app,
        address dataset,
        uint256 category,
        bytes32 tag,
        string params,
        address beneficiary
    );
    /// @notice Task `index` (relative) of deal `dealId` completed with `results`; every party has been paid.
    event ResultPushedBoost(bytes32 dealId, uint256 index, bytes results);
    /// @notice Boost deal `dealId` is paid by `sponsor` instead of its requester.
    event DealSponsoredBoost(bytes32 dealId, address sponsor);

    /// Thrown when a Boost request asks for replication (trust above 1): Boost accepts one result per task.
    error BoostTrustTooHigh(uint256 trust, uint256 maxTrust);
    /// Thrown when a Boost deal's task range does not fit its 16-bit fields: the request order's consumed volume
    /// (first task index) or the deal volume exceeds 65535.
    error BoostBagOfTasksTooLarge(uint256 botFirst, uint256 botSize);
    /// Thrown when `index` is not a task of Boost deal `dealId` (not below its size; an unknown deal has size 0).
    error BoostUnknownTask(bytes32 dealId, uint256 index, uint256 botSize);
    /// Thrown when a Boost task was already completed or claimed.
    error BoostTaskNotUnset(bytes32 taskId, uint8 status);
    /// Thrown when a result is pushed at or after the deal's deadline.
    error BoostDeadlineReached(bytes32 taskId, uint256 deadline);
    /// Thrown when a Boost task is claimed before the deal's deadline.
    error BoostDeadlineNotReached(bytes32 taskId, uint256 deadline);
    /// Thrown when the deal's tag requires a TEE (bit 0) and no enclave challenge is given.
    error BoostEnclaveRequired(bytes32 taskId);
    /// Thrown when `authorizationSign` is not `expectedSigner`'s signature of ethmsg(H(worker, taskId, enclave)).
    /// `expectedSigner` is the TEE broker when an enclave is used and a broker is set, else the deal's scheduler.
    error BoostInvalidAuthorization(bytes32 taskId, address worker, address expectedSigner);
    /// Thrown when `enclaveSign` is not the enclave's signature of ethmsg(H(worker, taskId, resultDigest)).
    error BoostInvalidEnclaveSignature(bytes32 taskId, address enclaveChallenge);
    /// Thrown when the deal has a callback and `resultsCallback` is empty.
    error BoostCallbackRequiresData(bytes32 taskId, address callback);
    /// Thrown when, after the callback, less gas is left than callbackgas / 63: the caller under-supplied gas so that
    /// the callback could not get its share.
    error BoostNotEnoughGasAfterCallback(bytes32 taskId, uint256 gasLeft, uint256 required);

    /// @notice Matches four orders into a Boost deal paid by the request's requester. The request must ask for
    ///         trust ≤ 1 and at most the workerpool order's trust; every classic matching check applies.
    /// @dev Locks (app + dataset + workerpool price) × volume from the requester and pct(workerpool price, 30) ×
    ///      volume from the workerpool owner; emits SchedulerNoticeBoost then OrdersMatched.
    /// @return the deal id, keccak256(requestHash ‖ consumed[requestHash] before the match)
    function matchOrdersBoost(
        IexecTypes.AppOrder calldata apporder,
        IexecTypes.DatasetOrder calldata datasetorder,
        IexecTypes.WorkerpoolOrder calldata workerpoolorder,
        IexecTypes.RequestOrder calldata requestorder
    ) external returns (bytes32);

    /// @notice As `matchOrdersBoost`, but the caller pays the deal (and is refunded on claims); emits
    ///         DealSponsoredBoost after OrdersMatched. Anyone seeing the orders can front-run this with
    ///         `matchOrdersBoost`, making the requester pay (accepted, as in PoCo v5.5).
    function sponsorMatchOrdersBoost(
        IexecTypes.AppOrder calldata apporder,
        IexecTypes.DatasetOrder calldata datasetorder,
        IexecTypes.WorkerpoolOrder calldata workerpoolorder,
        IexecTypes.RequestOrder calldata requestorder
    ) external returns (bytes32);

    /// @notice Completes task `index` of Boost deal `dealId` with the caller (the worker) as its executor, and pays
    ///         everyone: the sponsor's task price is seized; the worker gets the deal's workerReward, the app and
    ///         dataset owners their prices, the scheduler its stake back plus the rest of the workerpool price and a
    ///         slice of the kitty. Then calls the deal's callback, if any, with `resultsCallback`.
    /// @param index the task's index relative to the deal, in [0, botSize)
    /// @param results the results (or a pointer to them), emitted in ResultPushedBoost
    /// @param resultsCallback the data given to the deal's callback; required non-empty when there is one
    /// @param authorizationSign the scheduler's (or, with an enclave, the TEE broker's) eth_sign signature of
    ///        H(worker, taskId, enclaveChallenge)
    /// @param enclaveChallenge the enclave's address, or 0 without TEE (required when the tag's bit 0 is set)
    /// @param enclaveSign the enclave's eth_sign signature of H(worker, taskId, keccak256(callback == 0 ? results :
    ///        resultsCallback)); ignored without enclave
    function pushResultBoost(
        bytes32 dealId,
        uint256 index,
        bytes calldata results,
        bytes calldata resultsCallback,
        bytes calldata authorizationSign,
        address enclaveChallenge,
        bytes calldata enclaveSign
    ) external;

    /// @notice Fails task `index` of Boost deal `dealId` once the deal's deadline has come and no result was pushed:
    ///         the sponsor gets the task price back and the scheduler's task stake goes to the kitty. Anyone can call.
    function claimBoost(bytes32 dealId, uint256 index) external;
}
