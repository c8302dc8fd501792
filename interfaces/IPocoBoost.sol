// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IexecTypes} from "./IexecTypes.sol";

/// @title IPocoBoost
/// @notice Two transactions per task for trust-1 (usually TEE) deals: one match for the deal, one push per task.
interface IPocoBoost {
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
    event ResultPushedBoost(bytes32 dealId, uint256 index, bytes results);
    event DealSponsoredBoost(bytes32 dealId, address sponsor);

    function matchOrdersBoost(
        IexecTypes.AppOrder calldata apporder,
        IexecTypes.DatasetOrder calldata datasetorder,
        IexecTypes.WorkerpoolOrder calldata workerpoolorder,
        IexecTypes.RequestOrder calldata requestorder
    ) external returns (bytes32);

    function sponsorMatchOrdersBoost(
        IexecTypes.AppOrder calldata apporder,
        IexecTypes.DatasetOrder calldata datasetorder,
        IexecTypes.WorkerpoolOrder calldata workerpoolorder,
        IexecTypes.RequestOrder calldata requestorder
    ) external returns (bytes32);

    function pushResultBoost(
        bytes32 dealId,
        uint256 index,
        bytes calldata results,
        bytes calldata resultsCallback,
        bytes calldata authorizationSign,
        address enclaveChallenge,
        bytes calldata enclaveSign
    ) external;

    function claimBoost(bytes32 dealId, uint256 index) external;
}
