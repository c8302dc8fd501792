// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IexecTypes} from "./IexecTypes.sol";

/// @title IMarket
/// @notice Matching four compatible orders into a deal (classic PoCo).
interface IMarket {
    /// @notice A deal for `workerpool` was created; its scheduler should start the tasks.
    event SchedulerNotice(address indexed workerpool, bytes32 dealid);
    /// @notice Orders were matched into deal `dealid` of `volume` tasks (datasetHash is 0 without a dataset).
    event OrdersMatched(
        bytes32 dealid, bytes32 appHash, bytes32 datasetHash, bytes32 workerpoolHash, bytes32 requestHash, uint256 volume
    );
    /// @notice Deal `dealId` is paid by `sponsor` instead of its requester.
    event DealSponsored(bytes32 dealId, address sponsor);

    function matchOrders(
        IexecTypes.AppOrder calldata apporder,
        IexecTypes.DatasetOrder calldata datasetorder,
        IexecTypes.WorkerpoolOrder calldata workerpoolorder,
        IexecTypes.RequestOrder calldata requestorder
    ) external returns (bytes32);

    function sponsorMatchOrders(
        IexecTypes.AppOrder calldata apporder,
        IexecTypes.DatasetOrder calldata datasetorder,
        IexecTypes.WorkerpoolOrder calldata workerpoolorder,
        IexecTypes.RequestOrder calldata requestorder
    ) external returns (bytes32);

    function computeDealVolume(
        IexecTypes.AppOrder calldata apporder,
        IexecTypes.DatasetOrder calldata datasetorder,
        IexecTypes.WorkerpoolOrder calldata workerpoolorder,
        IexecTypes.RequestOrder calldata requestorder
    ) external view returns (uint256);
}
