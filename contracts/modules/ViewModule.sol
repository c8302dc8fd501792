// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {HubBase} from "../core/HubBase.sol";
import {HubStorage} from "../core/HubStorage.sol";
import {TASK_COMPLETED} from "../libraries/Statuses.sol";
import {IexecTypes} from "../../interfaces/IexecTypes.sol";
import {IHubAdmin} from "../../interfaces/IHubAdmin.sol";

/// @title ViewModule
/// @notice Read-only views of deals, tasks, contributions, scores and order consumption, returning the exact PoCo v5
///         tuples decoded from the packed storage. Unknown ids give all-zero tuples, never a revert: that is how
///         clients detect "not found".
contract ViewModule is HubBase {
    constructor(address token, address appRegistry, address datasetRegistry, address workerpoolRegistry)
        HubBase(token, appRegistry, datasetRegistry, workerpoolRegistry)
    {}

    function viewDeal(bytes32 dealid) external view returns (IexecTypes.Deal memory deal) {
        HubStorage.Deal storage d = HubStorage.layout().deals[dealid];
        uint8 flags = d.flags;
        address requester = d.requester;
        deal.app = IexecTypes.Resource({pointer: d.app, owner: d.appOwner, price: d.appPrice});
        deal.dataset = IexecTypes.Resource({pointer: d.dataset, owner: d.datasetOwner, price: d.datasetPrice});
        deal.workerpool =
            IexecTypes.Resource({pointer: d.workerpool, owner: d.workerpoolOwner, price: d.workerpoolPrice});
        deal.trust = d.trust;
        deal.category = d.category;
        deal.tag = flags & HubStorage.FLAG_LONG_TAG != 0 ? d.tag : bytes32(uint256(d.shortTag));
        deal.requester = requester;
        deal.beneficiary = flags & HubStorage.FLAG_BENEFICIARY_IS_REQUESTER != 0 ? requester : d.beneficiary;
        deal.callback = d.callback;
        deal.params = d.params;
        deal.startTime = d.startTime;
        deal.botFirst = d.botFirst;
        deal.botSize = d.botSize;
        deal.workerStake = d.workerStake;
        deal.schedulerRewardRatio = d.schedulerRewardRatio;
        deal.sponsor = flags & HubStorage.FLAG_SPONSOR_IS_REQUESTER != 0 ? requester : d.sponsor;
    }

    function viewDealBoost(bytes32 dealid) external view returns (IexecTypes.DealBoost memory deal) {
        HubStorage.DealBoost storage d = HubStorage.layout().dealsBoost[dealid];
        deal.appOwner = d.appOwner;
        deal.appPrice = d.appPrice;
        deal.datasetOwner = d.datasetOwner;
        deal.datasetPrice = d.datasetPrice;
        deal.workerpoolOwner = d.workerpoolOwner;
        deal.workerpoolPrice = d.workerpoolPrice;
        deal.requester = d.requester;
        deal.workerReward = uint96(HubStorage.boostWorkerReward(d));
        deal.callback = d.callback;
        deal.deadline = d.deadline;
        deal.botFirst = d.botFirst;
        deal.botSize = d.botSize;
        deal.shortTag = d.shortTag;
        // A Boost match leaves the sponsor slot empty when the requester pays: report the requester then.
        address sponsor = d.sponsor;
        deal.sponsor = sponsor == address(0) ? deal.requester : sponsor;
    }

    function viewConsumed(bytes32 orderHash) external view returns (uint256) {
        return HubStorage.layout().consumed[orderHash];
    }

    function viewPresigned(bytes32 orderHash) external view returns (address) {
        return HubStorage.layout().presigned[orderHash];
    }

    /// @notice The v5 Task tuple; `resultsTimestamp` is never written by PoCo (SPECIFICATION §8.5) and is always 0.
    function viewTask(bytes32 taskid) external view returns (IexecTypes.Task memory task) {
        HubStorage.Task storage t = HubStorage.layout().tasks[taskid];
        task.status = IexecTypes.TaskStatusEnum(t.status);
        task.dealid = t.dealid;
        task.idx = t.idx;
        task.timeref = t.timeref;
        task.contributionDeadline = t.contributionDeadline;
        task.revealDeadline = t.revealDeadline;
        task.finalDeadline = t.finalDeadline;
        task.consensusValue = t.consensusValue;
        task.revealCounter = t.revealCounter;
        task.winnerCounter = t.winnerCounter;
        task.contributors = t.contributors;
        task.resultDigest = t.resultDigest;
        task.results = t.results;
        task.resultsCallback = t.resultsCallback;
    }

    function viewContribution(bytes32 taskid, address worker)
        external
        view
        returns (IexecTypes.Contribution memory contribution)
    {
        HubStorage.Contribution storage c = HubStorage.layout().contributions[taskid][worker];
        contribution.status = IexecTypes.ContributionStatusEnum(c.status);
        contribution.resultHash = c.resultHash;
        contribution.resultSeal = c.resultSeal;
        contribution.enclaveChallenge = c.enclaveChallenge;
        contribution.weight = c.weight;
    }

    function viewScore(address worker) external view returns (uint256) {
        return HubStorage.layout().workerScores[worker];
    }

    /// @notice What a finalized task handed to its callback (ERC-1154 `resultFor`).
    function resultFor(bytes32 taskid) external view returns (bytes memory) {
        HubStorage.Task storage t = HubStorage.layout().tasks[taskid];
        uint8 status = t.status;
        if (status != TASK_COMPLETED) revert IHubAdmin.TaskPending(taskid, status);
        return t.resultsCallback;
    }
}
