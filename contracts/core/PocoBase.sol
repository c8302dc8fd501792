// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {SettleBase} from "./SettleBase.sol";
import {HubStorage} from "./HubStorage.sol";
import {PocoConstants} from "../libraries/PocoConstants.sol";
import {TASK_UNSET, TASK_ACTIVE} from "../libraries/Statuses.sol";
import {IPoco} from "../../interfaces/IPoco.sol";

/// @title PocoBase
/// @notice What the classic task lifecycle (Poco) builds on: task creation, the contribution signature checks,
///         the deal's payment terms and the success payments (SPECIFICATION §4.6 successWork).
abstract contract PocoBase is SettleBase {

    /// @dev The money side of a deal, read once per settlement (the packed deal keeps these in four slots).
    struct Terms {
        address sponsor;
        address appOwner;
        uint256 appPrice;
        address datasetOwner;
        uint256 datasetPrice;
        address scheduler;
        uint256 workerpoolPrice;
        uint256 workerStake;
        uint256 schedulerRewardRatio;
    }


    /// @dev SPECIFICATION §4.2. Writes two fresh slots (status/deadlines/idx and dealid); the consensus total starts at 1
    ///      through `totalMinusOne == 0`, so it needs no write.
    function _initialize(bytes32 dealid, uint256 idx) internal returns (bytes32 taskid) {
        HubStorage.Layout storage $ = HubStorage.layout();
        HubStorage.Deal storage deal = $.deals[dealid];
        uint256 botFirst = deal.botFirst;
        uint256 botSize = deal.botSize;
        if (idx < botFirst || idx >= botFirst + botSize) {
            revert IPoco.TaskIndexOutOfDeal(dealid, idx, botFirst, botSize);
        }
        taskid = _taskId(dealid, idx);
        HubStorage.Task storage task = $.tasks[taskid];
        if (task.status != TASK_UNSET) revert IPoco.TaskAlreadyInitialized(taskid);

        // categories are bounded by MAX_WORK_CLOCK_TIME_REF (uint32) and startTime is a uint40: every deadline below
        // fits in 40 bits for millennia; idx < botFirst + botSize, both uint48.
        uint256 timeref = HubStorage.timeRefIn($.categories[deal.category].refWord);
        uint256 start = deal.startTime;
        task.status = TASK_ACTIVE;
        task.timeref = uint40(timeref);
        task.contributionDeadline = uint40(start + PocoConstants.CONTRIBUTION_DEADLINE_RATIO * timeref);
        task.finalDeadline = uint40(start + PocoConstants.FINAL_DEADLINE_RATIO * timeref);
        task.idx = uint48(idx);
        task.dealid = dealid;
        emit IPoco.TaskInitialize(taskid, deal.workerpool);
    }

    /// @dev True when the deal's tag asks for a TEE (bit 0).
    function _requiresEnclave(HubStorage.Deal storage deal) internal view returns (bool) {
        if (deal.flags & HubStorage.FLAG_LONG_TAG != 0) return uint256(deal.tag) & 1 != 0;
        return deal.shortTag & 1 != 0;
    }

    /// @dev SPECIFICATION §4.3 checks 4-6: TEE rule, worker authorization (TEE broker or scheduler), enclave signature.
    function _checkContributionSignatures(
        bytes32 taskid,
        HubStorage.Deal storage deal,
        bytes32 resultHash,
        bytes32 resultSeal,
        address enclaveChallenge,
        bytes calldata enclaveSign,
        bytes calldata authorizationSign
    ) internal view {
        if (enclaveChallenge == address(0) && _requiresEnclave(deal)) revert IPoco.EnclaveRequired(taskid);
        address authorizer = _authorizer(deal.workerpoolOwner, enclaveChallenge);
        if (!_isEthSignedBy(authorizer, _authorizationHash(msg.sender, taskid, enclaveChallenge), authorizationSign)) {
            revert IPoco.InvalidAuthorization(taskid, msg.sender, authorizer);
        }
        if (enclaveChallenge != address(0)) {
            if (!_isEthSignedBy(enclaveChallenge, keccak256(abi.encodePacked(resultHash, resultSeal)), enclaveSign)) {
                revert IPoco.InvalidEnclaveSignature(taskid, enclaveChallenge);
            }
        }
    }

    /// @dev Reads the payment terms of a deal. The dataset slot is all zeros for a deal without dataset, so it is
    ///      read without looking at the dataset address first.
    function _terms(HubStorage.Deal storage deal) internal view returns (Terms memory t) {
        t.appOwner = deal.appOwner;
        t.appPrice = deal.appPrice;
        t.datasetOwner = deal.datasetOwner;
        t.datasetPrice = deal.datasetPrice;
        t.scheduler = deal.workerpoolOwner;
        t.workerpoolPrice = deal.workerpoolPrice;
        t.workerStake = deal.workerStake;
        t.schedulerRewardRatio = deal.schedulerRewardRatio;
        t.sponsor = deal.flags & HubStorage.FLAG_SPONSOR_IS_REQUESTER != 0 ? deal.requester : deal.sponsor;
    }

    /// @dev SPECIFICATION §4.6 successWork: the sponsor pays the task price, app and dataset owners are paid, the
    ///      scheduler's stake is released and it receives the kitty slice. The workers' pot is paid by the caller,
    ///      through `_rewardAccount` / `_unlockAccount`: `laterOut` is all the caller rewards or unlocks afterwards,
    ///      taken off the hub's balance here, so that the hub's word is written once per settlement.
    function _successWork(bytes32 taskid, Terms memory t, uint256 laterOut) internal {
        HubStorage.Layout storage $ = HubStorage.layout();
        _seize(t.sponsor, t.appPrice + t.datasetPrice + t.workerpoolPrice, taskid);
        if (t.appPrice != 0) _rewardAccount($, t.appOwner, t.appPrice, taskid);
        if (t.datasetPrice != 0) _rewardAccount($, t.datasetOwner, t.datasetPrice, taskid);
        uint256 stake = _pct(t.workerpoolPrice, PocoConstants.WORKERPOOL_STAKE_RATIO);
        _unlockAccount($, t.scheduler, stake);
        uint256 slice = _seizeKittySliceAndTake($, t.appPrice + t.datasetPrice + stake + laterOut, taskid);
        if (slice != 0) _rewardAccount($, t.scheduler, slice, taskid);
    }

    /// @dev The callback data rule (SPECIFICATION §4.6): data hashes to the digest, or is empty when there is no callback.
    ///      The digest is read from storage only when it is needed.
    function _checkCallbackData(bytes32 taskid, address callback, bytes32 digest, bytes calldata resultsCallback)
        internal
        pure
    {
        if (callback == address(0) && resultsCallback.length == 0) return;
        if (keccak256(resultsCallback) != digest) revert IPoco.CallbackDataMismatch(taskid, digest);
    }
}
