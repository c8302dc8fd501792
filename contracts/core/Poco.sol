// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {PocoBase} from "./PocoBase.sol";
import {HubStorage} from "./HubStorage.sol";
import {PocoConstants} from "../libraries/PocoConstants.sol";
import {
    TASK_ACTIVE,
    TASK_REVEALING,
    TASK_COMPLETED,
    TASK_FAILED,
    CONTRIBUTION_UNSET,
    CONTRIBUTION_CONTRIBUTED,
    CONTRIBUTION_PROVED,
    CONTRIBUTION_REJECTED
} from "../libraries/Statuses.sol";
import {IPoco} from "../../interfaces/IPoco.sol";
import {IEscrow} from "../../interfaces/IEscrow.sol";

/// @title Poco
/// @notice Proof-of-Contribution: the classic task lifecycle (SPECIFICATION §4.2-4.10).
/// @dev Deadlines (t = task.timeref, s = deal.startTime, c = time consensus was reached):
///
///      s ------------- contribute ------------ s+7t ........................ s+10t
///                        c -- reveal -- c+2t (< s+9t)                          |
///      finalize/reopen: while now < s+10t            claim: from now >= s+10t -+
abstract contract Poco is PocoBase, IPoco {
    // ---------------------------------------------------------------------------------------------------------------
    // Initialize
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IPoco
    function initialize(bytes32 dealid, uint256 idx) external returns (bytes32) {
        return _initialize(dealid, idx);
    }

    /// @inheritdoc IPoco
    function initializeArray(bytes32[] calldata dealids, uint256[] calldata idxs) external returns (bool) {
        if (dealids.length != idxs.length) revert IEscrow.ArrayLengthMismatch(dealids.length, idxs.length);
        for (uint256 i = 0; i < dealids.length; ++i) {
            _initialize(dealids[i], idxs[i]);
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Contribute, reveal, reopen
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IPoco
    function contribute(
        bytes32 taskid,
        bytes32 resultHash,
        bytes32 resultSeal,
        address enclaveChallenge,
        bytes calldata enclaveSign,
        bytes calldata authorizationSign
    ) external {
        HubStorage.Layout storage $ = HubStorage.layout();
        HubStorage.Task storage task = $.tasks[taskid];
        uint8 status = task.status;
        if (status != TASK_ACTIVE) revert TaskNotActive(taskid, status);
        uint256 deadline = task.contributionDeadline;
        if (deadline <= block.timestamp) revert ContributionDeadlineReached(taskid, deadline);
        HubStorage.Contribution storage contribution = $.contributions[taskid][msg.sender];
        if (contribution.status != CONTRIBUTION_UNSET) revert AlreadyContributed(taskid, msg.sender);
        if (resultHash == 0) revert ZeroResultHash(taskid);
        if (resultSeal == 0) revert ZeroResultSeal(taskid);
        uint256 previous = task.contributors.length;
        if (previous >= PocoConstants.MAX_CONTRIBUTORS) {
            revert TooManyContributors(taskid, PocoConstants.MAX_CONTRIBUTORS);
        }
        HubStorage.Deal storage deal = $.deals[task.dealid];
        _checkContributionSignatures(
            taskid, deal, resultHash, resultSeal, enclaveChallenge, enclaveSign, authorizationSign
        );

        // Worker weight of SPECIFICATION §4.4: max(score / 3, 3) - 1 (so at least 2). Its floor(log2) (1..254, fits
        // uint8) is the worker's share of the reward pot (SPECIFICATION §12.4: floor, as in the Solidity 0.8 original).
        uint256 weight = Math.max($.workerScores[msg.sender] / 3, 3) - 1;
        contribution.status = CONTRIBUTION_CONTRIBUTED;
        contribution.weight = uint8(Math.log2(weight));
        contribution.enclaveChallenge = enclaveChallenge;
        contribution.resultHash = resultHash;
        contribution.resultSeal = resultSeal;
        task.contributors.push(msg.sender);
        _lock(msg.sender, deal.workerStake);
        emit TaskContribute(taskid, msg.sender, resultHash);

        // group[h] is the product of its voters' weights; total = 1 + sum of groups (stored minus one).
        mapping(bytes32 => uint256) storage groups = $.groups[taskid];
        uint256 group = groups[resultHash];
        uint256 newGroup = (group == 0 ? 1 : group) * weight;
        uint256 totalMinusOne = task.totalMinusOne + newGroup - group;

        // Consensus when credibility group/total exceeds 1 - 1/trust (strict); trust >= 1 for every deal.
        uint256 trust = deal.trust;
        if (newGroup * trust > (totalMinusOne + 1) * (trust - 1)) {
            // The winning vote is not written: no contribution is accepted until a reopen, and a reopen removes
            // exactly this group from the total, which gives the same stored state whether or not it was written
            // (total - group before the vote == total + delta - (group + delta)).
            _reachConsensus(task, taskid, resultHash, previous);
        } else {
            groups[resultHash] = newGroup;
            task.totalMinusOne = totalMinusOne;
        }
    }

    /// @dev Counts the winners (contributors of `consensus` not rejected by an earlier reopen, the caller included)
    ///      and opens the reveal window.
    function _reachConsensus(HubStorage.Task storage task, bytes32 taskid, bytes32 consensus, uint256 previous)
        private
    {
        mapping(address => HubStorage.Contribution) storage contributions = HubStorage.layout().contributions[taskid];
        uint256 winners = 1;
        for (uint256 i = 0; i < previous; ++i) {
            HubStorage.Contribution storage other = contributions[task.contributors[i]];
            if (other.resultHash == consensus && other.status == CONTRIBUTION_CONTRIBUTED) ++winners;
        }
        task.status = TASK_REVEALING;
        task.consensusValue = consensus;
        task.revealDeadline = uint40(block.timestamp + PocoConstants.REVEAL_DEADLINE_RATIO * task.timeref);
        task.winnerCounter = uint16(winners); // revealCounter is 0: a reopen needs it so
        emit TaskConsensus(taskid, consensus);
    }

    /// @inheritdoc IPoco
    function reveal(bytes32 taskid, bytes32 resultDigest) external {
        HubStorage.Layout storage $ = HubStorage.layout();
        HubStorage.Task storage task = $.tasks[taskid];
        uint8 status = task.status;
        if (status != TASK_REVEALING) revert TaskNotRevealing(taskid, status);
        uint256 deadline = task.revealDeadline;
        if (deadline <= block.timestamp) revert RevealDeadlineReached(taskid, deadline);
        HubStorage.Contribution storage contribution = $.contributions[taskid][msg.sender];
        uint8 contributionStatus = contribution.status;
        if (contributionStatus != CONTRIBUTION_CONTRIBUTED) revert NotContributed(taskid, msg.sender, contributionStatus);
        bytes32 resultHash = contribution.resultHash;
        bytes32 consensus = task.consensusValue;
        if (resultHash != consensus) revert ContributionNotConsensus(taskid, resultHash, consensus);
        if (keccak256(abi.encodePacked(taskid, resultDigest)) != resultHash) {
            revert ResultHashMismatch(taskid, resultDigest);
        }
        if (keccak256(abi.encodePacked(msg.sender, taskid, resultDigest)) != contribution.resultSeal) {
            revert ResultSealMismatch(taskid, msg.sender);
        }
        contribution.status = CONTRIBUTION_PROVED;
        uint16 revealed = task.revealCounter;
        task.revealCounter = revealed + 1;
        // every winner reveals the same digest (it hashes to the consensus): written once
        if (revealed == 0) task.resultDigest = resultDigest;
        emit TaskReveal(taskid, msg.sender, resultDigest);
    }

    /// @inheritdoc IPoco
    function reopen(bytes32 taskid) external {
        HubStorage.Layout storage $ = HubStorage.layout();
        HubStorage.Task storage task = $.tasks[taskid];
        address scheduler = $.deals[task.dealid].workerpoolOwner;
        if (msg.sender != scheduler) revert CallerIsNotTheScheduler(msg.sender, scheduler);
        uint8 status = task.status;
        if (status != TASK_REVEALING) revert TaskNotRevealing(taskid, status);
        uint256 finalDeadline = task.finalDeadline;
        if (finalDeadline <= block.timestamp) revert FinalDeadlineReached(taskid, finalDeadline);
        uint256 revealDeadline = task.revealDeadline;
        if (revealDeadline > block.timestamp) revert RevealDeadlineNotReached(taskid, revealDeadline);
        if (task.revealCounter != 0) revert TaskAlreadyRevealed(taskid, task.revealCounter);

        bytes32 consensus = task.consensusValue;
        mapping(address => HubStorage.Contribution) storage contributions = $.contributions[taskid];
        uint256 count = task.contributors.length;
        for (uint256 i = 0; i < count; ++i) {
            HubStorage.Contribution storage c = contributions[task.contributors[i]];
            if (c.resultHash == consensus && c.status == CONTRIBUTION_CONTRIBUTED) c.status = CONTRIBUTION_REJECTED;
        }
        mapping(bytes32 => uint256) storage groups = $.groups[taskid];
        task.totalMinusOne -= groups[consensus];
        groups[consensus] = 0;
        task.status = TASK_ACTIVE;
        task.consensusValue = 0;
        task.revealDeadline = 0;
        task.winnerCounter = 0;
        emit TaskReopen(taskid);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Settle
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IPoco
    function finalize(bytes32 taskid, bytes calldata results, bytes calldata resultsCallback) external {
        HubStorage.Layout storage $ = HubStorage.layout();
        HubStorage.Task storage task = $.tasks[taskid];
        HubStorage.Deal storage deal = $.deals[task.dealid];
        Terms memory t = _terms(deal);
        if (msg.sender != t.scheduler) revert CallerIsNotTheScheduler(msg.sender, t.scheduler);
        uint8 status = task.status;
        if (status != TASK_REVEALING) revert TaskNotRevealing(taskid, status);
        uint256 finalDeadline = task.finalDeadline;
        if (finalDeadline <= block.timestamp) revert FinalDeadlineReached(taskid, finalDeadline);
        uint256 revealed = task.revealCounter;
        uint256 winners = task.winnerCounter;
        uint256 revealDeadline = task.revealDeadline;
        if (revealed != winners && (revealed == 0 || revealDeadline > block.timestamp)) {
            revert RevealsMissing(taskid, revealed, winners, revealDeadline);
        }
        address callback = deal.callback;
        if (callback != address(0) || resultsCallback.length != 0) {
            _checkCallbackData(taskid, callback, task.resultDigest, resultsCallback);
        }

        task.status = TASK_COMPLETED;
        task.results = results;
        if (resultsCallback.length != 0) task.resultsCallback = resultsCallback;
        // _distributeRewards pays out the workerpool price plus every contributor's stake (see there)
        uint256 count = task.contributors.length;
        _successWork(taskid, t, t.workerpoolPrice + count * t.workerStake);
        _distributeRewards(task, taskid, t, count);
        emit TaskFinalize(taskid, results);
        _runCallback(taskid, callback, resultsCallback, false);
    }

    /// @dev SPECIFICATION §4.6 distributeRewards. The pot is the workerpool price plus the stakes of contributors who did
    ///      not prove the result; workers get pct(pot, 100 - ratio) in proportion to their log-weights (floored), the
    ///      scheduler the rest, rounding dust included. The hub pays out the workerpool price and every stake
    ///      (proved stakes unlocked, the others seized into the pot), already taken off its balance by _successWork.
    function _distributeRewards(HubStorage.Task storage task, bytes32 taskid, Terms memory t, uint256 count)
        private
    {
        HubStorage.Layout storage $ = HubStorage.layout();
        mapping(address => HubStorage.Contribution) storage contributions = $.contributions[taskid];
        address[] memory workers = new address[](count);
        uint256[] memory logWeights = new uint256[](count); // 0 = did not prove
        uint256 totalReward = t.workerpoolPrice;
        uint256 totalLogWeight = 0;
        for (uint256 i = 0; i < count; ++i) {
            address worker = task.contributors[i];
            workers[i] = worker;
            HubStorage.Contribution storage c = contributions[worker];
            if (c.status == CONTRIBUTION_PROVED) {
                uint256 w = c.weight;
                logWeights[i] = w;
                totalLogWeight += w;
            } else {
                totalReward += t.workerStake;
            }
        }
        uint256 workersReward = _pct(totalReward, 100 - t.schedulerRewardRatio);
        bool replicated = count > 1;
        for (uint256 i = 0; i < count; ++i) {
            address worker = workers[i];
            uint256 w = logWeights[i];
            if (w != 0) {
                // totalLogWeight >= w > 0; no overflow: prices are uint96 and log-weights < 256
                uint256 share = workersReward * w / totalLogWeight;
                totalReward -= share;
                // stake back and share in one write of the worker's word
                _rewardWord($, worker, _unlockInWord($, worker, t.workerStake), share, taskid);
                if (replicated) {
                    $.workerScores[worker] += 1;
                    emit AccurateContribution(worker, taskid);
                }
            } else {
                _seize(worker, t.workerStake, taskid);
                uint256 score = $.workerScores[worker];
                if (score != 0) $.workerScores[worker] = score * 2 / 3;
                emit FaultyContribution(worker, taskid);
            }
        }
        _rewardAccount($, t.scheduler, totalReward, taskid);
    }

    /// @inheritdoc IPoco
    function contributeAndFinalize(
        bytes32 taskid,
        bytes32 resultDigest,
        bytes calldata results,
        bytes calldata resultsCallback,
        address enclaveChallenge,
        bytes calldata enclaveSign,
        bytes calldata authorizationSign
    ) external {
        HubStorage.Layout storage $ = HubStorage.layout();
        HubStorage.Task storage task = $.tasks[taskid];
        uint8 status = task.status;
        if (status != TASK_ACTIVE) revert TaskNotActive(taskid, status);
        uint256 deadline = task.contributionDeadline;
        if (deadline <= block.timestamp) revert ContributionDeadlineReached(taskid, deadline);
        uint256 contributors = task.contributors.length;
        if (contributors != 0) revert TaskHasContributions(taskid, contributors);
        HubStorage.Deal storage deal = $.deals[task.dealid];
        uint256 trust = deal.trust;
        if (trust != 1) revert TrustIsNotOne(taskid, trust);
        address callback = deal.callback;
        _checkCallbackData(taskid, callback, resultDigest, resultsCallback);
        bytes32 resultHash = keccak256(abi.encodePacked(taskid, resultDigest));
        bytes32 resultSeal = keccak256(abi.encodePacked(msg.sender, taskid, resultDigest));
        _checkContributionSignatures(
            taskid, deal, resultHash, resultSeal, enclaveChallenge, enclaveSign, authorizationSign
        );

        HubStorage.Contribution storage contribution = $.contributions[taskid][msg.sender];
        contribution.status = CONTRIBUTION_PROVED;
        contribution.enclaveChallenge = enclaveChallenge;
        contribution.resultHash = resultHash;
        contribution.resultSeal = resultSeal;
        task.status = TASK_COMPLETED;
        task.revealDeadline = uint40(block.timestamp + PocoConstants.REVEAL_DEADLINE_RATIO * task.timeref);
        task.revealCounter = 1;
        task.winnerCounter = 1;
        task.consensusValue = resultHash;
        task.contributors.push(msg.sender);
        task.resultDigest = resultDigest;
        task.results = results;
        if (resultsCallback.length != 0) task.resultsCallback = resultsCallback;
        emit TaskContribute(taskid, msg.sender, resultHash);
        emit TaskConsensus(taskid, resultHash);
        emit TaskReveal(taskid, msg.sender, resultDigest);

        // fast rewards: no stake, no score change; the scheduler keeps its ratio (and the kitty slice)
        Terms memory t = _terms(deal);
        _successWork(taskid, t, t.workerpoolPrice); // the two rewards below share the workerpool price
        uint256 workerReward = _pct(t.workerpoolPrice, 100 - t.schedulerRewardRatio);
        _rewardAccount($, msg.sender, workerReward, taskid);
        _rewardAccount($, t.scheduler, t.workerpoolPrice - workerReward, taskid);
        emit TaskFinalize(taskid, results);
        _runCallback(taskid, callback, resultsCallback, false);
    }

    /// @inheritdoc IPoco
    function claim(bytes32 taskid) external {
        _claim(taskid);
    }

    /// @inheritdoc IPoco
    function claimArray(bytes32[] calldata taskids) external returns (bool) {
        for (uint256 i = 0; i < taskids.length; ++i) {
            _claim(taskids[i]);
        }
        return true;
    }

    /// @inheritdoc IPoco
    function initializeAndClaimArray(bytes32[] calldata dealids, uint256[] calldata idxs) external returns (bool) {
        if (dealids.length != idxs.length) revert IEscrow.ArrayLengthMismatch(dealids.length, idxs.length);
        for (uint256 i = 0; i < dealids.length; ++i) {
            _claim(_initialize(dealids[i], idxs[i]));
        }
        return true;
    }

    /// @dev SPECIFICATION §4.8: refund the sponsor and every contributor (rejected and wrong ones too, no score change);
    ///      the scheduler's stake goes to the kitty, frozen.
    function _claim(bytes32 taskid) private {
        HubStorage.Layout storage $ = HubStorage.layout();
        HubStorage.Task storage task = $.tasks[taskid];
        uint8 status = task.status;
        if (status != TASK_ACTIVE && status != TASK_REVEALING) revert TaskNotClaimable(taskid, status);
        uint256 finalDeadline = task.finalDeadline;
        if (finalDeadline > block.timestamp) revert FinalDeadlineNotReached(taskid, finalDeadline);

        task.status = TASK_FAILED;
        Terms memory t = _terms($.deals[task.dealid]);
        uint256 price = t.appPrice + t.datasetPrice + t.workerpoolPrice;
        _unlockAccount($, t.sponsor, price);
        uint256 schedulerStake = _pct(t.workerpoolPrice, PocoConstants.WORKERPOOL_STAKE_RATIO);
        _seize(t.scheduler, schedulerStake, taskid);
        uint256 count = task.contributors.length;
        // the unlocked price and stakes leave the hub in the kitty's write of the hub word
        _rewardKittyAndTake($, schedulerStake, price + count * t.workerStake, taskid);
        for (uint256 i = 0; i < count; ++i) {
            _unlockAccount($, task.contributors[i], t.workerStake);
        }
        emit TaskClaimed(taskid);
    }
}
