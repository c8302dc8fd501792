// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {HubStorage} from "./HubStorage.sol";
import {MatchBase} from "./MatchBase.sol";
import {SettleBase} from "./SettleBase.sol";
import {LibDealWords} from "../libraries/LibDealWords.sol";
import {PocoConstants} from "../libraries/PocoConstants.sol";
import {TASK_UNSET, TASK_COMPLETED, TASK_FAILED} from "../libraries/Statuses.sol";
import {IexecTypes} from "../../interfaces/IexecTypes.sol";
import {IMarket} from "../../interfaces/IMarket.sol";
import {IPoco} from "../../interfaces/IPoco.sol";
import {IPocoBoost} from "../../interfaces/IPocoBoost.sol";

/// @title Boost
/// @notice PoCo Boost (SPECIFICATION §4.11): a deal is matched once, then each task is settled by one transaction, either
///         `pushResultBoost` (worker, before the deadline) or `claimBoost` (anyone, from the deadline).
/// @dev Storage per deal is `HubStorage.DealBoost`: three slots, plus the dataset slot with a dataset, the callback
///      slot with a callback and the sponsor slot when someone else than the requester pays (0 means "the
///      requester"; `viewDealBoost` returns the requester then). The worker reward is derived from the workerpool
///      price and the scheduler ratio snapshot. Per task only `tasks[taskId].status` is written, so
///      `viewTask` shows COMPLETED or FAILED.
abstract contract Boost is MatchBase, SettleBase, IPocoBoost {
    /// Boost accepts one result per task: trust 0 or 1 only
    uint256 private constant BOOST_MAX_TRUST = 1;


    // ---------------------------------------------------------------------------------------------------------------
    // Matching
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IPocoBoost
    function matchOrdersBoost(
        IexecTypes.AppOrder calldata apporder,
        IexecTypes.DatasetOrder calldata datasetorder,
        IexecTypes.WorkerpoolOrder calldata workerpoolorder,
        IexecTypes.RequestOrder calldata requestorder
    ) external returns (bytes32) {
        return _matchOrdersBoost(apporder, datasetorder, workerpoolorder, requestorder, requestorder.requester);
    }

    /// @inheritdoc IPocoBoost
    function sponsorMatchOrdersBoost(
        IexecTypes.AppOrder calldata apporder,
        IexecTypes.DatasetOrder calldata datasetorder,
        IexecTypes.WorkerpoolOrder calldata workerpoolorder,
        IexecTypes.RequestOrder calldata requestorder
    ) external returns (bytes32 dealId) {
        dealId = _matchOrdersBoost(apporder, datasetorder, workerpoolorder, requestorder, msg.sender);
        emit DealSponsoredBoost(dealId, msg.sender);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Settlement
    // ---------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IPocoBoost
    function pushResultBoost(
        bytes32 dealId,
        uint256 index,
        bytes calldata results,
        bytes calldata resultsCallback,
        bytes calldata authorizationSign,
        address enclaveChallenge,
        bytes calldata enclaveSign
    ) external {
        HubStorage.Layout storage $ = HubStorage.layout();
        HubStorage.DealBoost storage deal = $.dealsBoost[dealId];
        bytes32 taskId = _taskId(dealId, index);
        HubStorage.Task storage task = $.tasks[taskId];
        _checkPushWindow(deal, dealId, index, taskId, task.status, enclaveChallenge);

        // deal slots are read whole, see _checkPushWindow
        uint256 slot1; // LibDealWords.packBoostScheduler
        assembly ("memory-safe") {
            slot1 := sload(add(deal.slot, 1))
        }
        uint256 flags = LibDealWords.boostFlagsIn(slot1);
        {
            address authorizer = _authorizer(LibDealWords.accountIn(slot1), enclaveChallenge);
            bytes32 authorization = _authorizationHash(msg.sender, taskId, enclaveChallenge);
            if (!_isEthSignedBy(authorizer, authorization, authorizationSign)) {
                revert BoostInvalidAuthorization(taskId, msg.sender, authorizer);
            }
        }
        address callback = flags & HubStorage.BOOST_HAS_CALLBACK != 0 ? deal.callback : address(0);
        if (callback != address(0) && resultsCallback.length == 0) revert BoostCallbackRequiresData(taskId, callback);
        if (enclaveChallenge != address(0)) {
            // The enclave signs the digest of what the requester consumes: the callback data when there is a callback.
            bytes32 resultDigest = callback == address(0) ? keccak256(results) : keccak256(resultsCallback);
            bytes32 message = keccak256(abi.encodePacked(msg.sender, taskId, resultDigest));
            if (!_isEthSignedBy(enclaveChallenge, message, enclaveSign)) {
                revert BoostInvalidEnclaveSignature(taskId, enclaveChallenge);
            }
        }

        // Status first: the callback below is an external call and must find the task settled.
        _setStatus(task, TASK_COMPLETED);
        _payTask(deal, slot1, taskId);
        emit ResultPushedBoost(dealId, index, results);

        _runCallback(taskId, callback, resultsCallback, true);
    }

    /// @inheritdoc IPocoBoost
    function claimBoost(bytes32 dealId, uint256 index) external {
        HubStorage.Layout storage $ = HubStorage.layout();
        HubStorage.DealBoost storage deal = $.dealsBoost[dealId];
        bytes32 taskId = _taskId(dealId, index);
        HubStorage.Task storage task = $.tasks[taskId];
        _requireUnsetTask(dealId, index, deal.botSize, taskId, task.status);
        uint256 deadline = deal.deadline;
        // slither-disable-next-line timestamp
        if (block.timestamp < deadline) revert BoostDeadlineNotReached(taskId, deadline);

        _setStatus(task, TASK_FAILED);
        uint256 workerpoolPrice = deal.workerpoolPrice;
        uint256 price = uint256(deal.appPrice) + deal.datasetPrice + workerpoolPrice;
        _unlockAccount($, _sponsorOf(deal, deal.flags), price);
        // The scheduler's stake is not refunded to the requester (who could farm it with a failing app): kitty.
        uint256 stake = _pct(workerpoolPrice, PocoConstants.WORKERPOOL_STAKE_RATIO);
        _seize(deal.workerpoolOwner, stake, taskId);
        _rewardKittyAndTake($, stake, price, taskId); // the unlocked price leaves the hub in the same write
        emit IPoco.TaskClaimed(taskId);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Internal
    // ---------------------------------------------------------------------------------------------------------------

    /// @dev The classic checks of §3.7 (MatchBase, same errors as matchOrders, including trust <= workerpool trust,
    ///      SPECIFICATION §12.5), the Boost limits, then the compact record, consumption, locks and events.
    function _matchOrdersBoost(
        IexecTypes.AppOrder calldata apporder,
        IexecTypes.DatasetOrder calldata datasetorder,
        IexecTypes.WorkerpoolOrder calldata workerpoolorder,
        IexecTypes.RequestOrder calldata requestorder,
        address sponsor
    ) private returns (bytes32 dealId) {
        if (requestorder.trust > BOOST_MAX_TRUST) revert BoostTrustTooHigh(requestorder.trust, BOOST_MAX_TRUST);
        Match memory m = _checkOrders(apporder, datasetorder, workerpoolorder, requestorder);
        uint256 volume = m.volume;
        if (m.botFirst > type(uint16).max || volume > type(uint16).max) {
            revert BoostBagOfTasksTooLarge(m.botFirst, volume);
        }
        dealId = _dealId(m.requestHash, m.botFirst);
        _recordDeal(dealId, apporder.appprice, datasetorder.datasetprice, workerpoolorder, requestorder, m, sponsor);
        _consume(m);
        uint256 workerpoolPrice = workerpoolorder.workerpoolprice;
        uint256 taskPrice = apporder.appprice + workerpoolPrice;
        if (m.datasetOwner != address(0)) taskPrice += datasetorder.datasetprice;
        // Percentage per task first, then times volume (rounding per task, as the classic market).
        _lockDeal(sponsor, taskPrice * volume, m.workerpoolOwner, _schedulerStake(workerpoolPrice, volume));
        emit SchedulerNoticeBoost(
            workerpoolorder.workerpool,
            dealId,
            apporder.app,
            datasetorder.dataset,
            requestorder.category,
            m.tag,
            requestorder.params,
            requestorder.beneficiary
        );
        emit IMarket.OrdersMatched(dealId, m.appHash, m.datasetHash, m.workerpoolHash, m.requestHash, volume);
    }

    /// @dev Writes the DealBoost. A deal id is fresh, so every slot starts at zero: each slot is written whole, once
    ///      (no read of the empty slot first), and the optional slots only when they hold something.
    function _recordDeal(
        bytes32 dealId,
        uint256 appPrice,
        uint256 datasetPrice,
        IexecTypes.WorkerpoolOrder calldata workerpoolorder,
        IexecTypes.RequestOrder calldata requestorder,
        Match memory m,
        address sponsor
    ) private {
        HubStorage.Layout storage $ = HubStorage.layout();
        HubStorage.DealBoost storage deal = $.dealsBoost[dealId];
        uint256 workerpoolPrice = workerpoolorder.workerpoolprice;
        // The workerpool price shares its slot with the ratio and the flags: 80 bits, still far above any RLC amount.
        if (workerpoolPrice > type(uint80).max) revert IMarket.PriceTooLarge(workerpoolPrice);
        // the ratio is <= 100 by the workerpool's own rule, so it fits its 8 bits
        uint256 schedulerRewardRatio = m.schedulerRewardRatio;
        address requester = requestorder.requester;
        // The category exists (checked); its reference time is < 2^32, so the deadline fits 40 bits for millennia.
        uint256 deadline = block.timestamp + m.timeRef * PocoConstants.CONTRIBUTION_DEADLINE_RATIO;
        uint256 flags = 0;
        if (m.datasetOwner != address(0)) flags = HubStorage.BOOST_HAS_DATASET;
        address callback = requestorder.callback;
        if (callback != address(0)) flags |= HubStorage.BOOST_HAS_CALLBACK;
        if (sponsor != requester) flags |= HubStorage.BOOST_HAS_SPONSOR;

        // botFirst and volume fit 16 bits (checked by the caller), the short tag is the tag's low 3 bytes.
        uint256 slot0 = LibDealWords.packAddressAmount(m.appOwner, _toPrice(appPrice));
        uint256 slot1 = LibDealWords.packBoostScheduler(m.workerpoolOwner, workerpoolPrice, schedulerRewardRatio, flags);
        uint256 slot2 =
            LibDealWords.packBoostWindow(requester, deadline, m.botFirst, m.volume, uint256(m.tag) & 0xffffff);
        assembly ("memory-safe") {
            let s := deal.slot
            sstore(s, slot0)
            sstore(add(s, 1), slot1)
            sstore(add(s, 2), slot2)
        }
        if (flags & HubStorage.BOOST_HAS_DATASET != 0) {
            uint256 slot3 = LibDealWords.packAddressAmount(m.datasetOwner, _toPrice(datasetPrice));
            assembly ("memory-safe") {
                sstore(add(deal.slot, 3), slot3)
            }
        }
        if (callback != address(0)) deal.callback = callback;
        if (sponsor != requester) deal.sponsor = sponsor;
    }

    /// @dev Pays a completed task (same event order as PoCo v5.5): seize the sponsor's task price; reward the worker,
    ///      the app owner and the dataset owner; unlock the scheduler's stake; take a kitty slice; reward the
    ///      scheduler with the rest of the workerpool price plus that slice. Σ seized == Σ rewarded. Only the
    ///      optional slots that `flags` names are read; slot 1 comes from the caller, slot 0 is read whole.
    function _payTask(HubStorage.DealBoost storage deal, uint256 slot1, bytes32 taskId) private {
        HubStorage.Layout storage $ = HubStorage.layout();
        uint256 slot0; // LibDealWords.packAddressAmount(appOwner, appPrice)
        assembly ("memory-safe") {
            slot0 := sload(deal.slot)
        }
        uint256 flags = LibDealWords.boostFlagsIn(slot1);
        uint256 workerpoolPrice = LibDealWords.boostPriceIn(slot1);
        uint256 appPrice = LibDealWords.amountIn(slot0);
        uint256 datasetPrice = 0;
        address datasetOwner = address(0);
        if (flags & HubStorage.BOOST_HAS_DATASET != 0) {
            datasetPrice = deal.datasetPrice;
            datasetOwner = deal.datasetOwner;
        }
        uint256 price = appPrice + datasetPrice + workerpoolPrice;
        _seize(_sponsorOf(deal, flags), price, taskId);
        uint256 workerReward = HubStorage.boostWorkerReward(workerpoolPrice, LibDealWords.boostRatioIn(slot1));
        _rewardAccount($, msg.sender, workerReward, taskId);
        if (appPrice != 0) _rewardAccount($, LibDealWords.accountIn(slot0), appPrice, taskId);
        if (datasetPrice != 0) _rewardAccount($, datasetOwner, datasetPrice, taskId);
        uint256 stake = _pct(workerpoolPrice, PocoConstants.WORKERPOOL_STAKE_RATIO);
        address scheduler = LibDealWords.accountIn(slot1);
        // the scheduler's word is written once, with its stake unlocked and its reward
        uint256 schedulerWord = _unlockInWord($, scheduler, stake);
        // one write of the hub's word: the task price and the stake leave it (the slice too, inside)
        uint256 slice = _seizeKittySliceAndTake($, price + stake, taskId);
        // workerReward <= workerpoolPrice by construction (pct with a ratio <= 100)
        _rewardWord($, scheduler, schedulerWord, workerpoolPrice - workerReward + slice, taskId);
    }

    /// @dev The push checks on the deal's slot 2: known task, UNSET, before the deadline, enclave when the tag asks
    ///      for one. Deal slots are read whole (one SLOAD each instead of one per field) and unpacked by
    ///      LibDealWords, which _recordDeal packs them with.
    function _checkPushWindow(
        HubStorage.DealBoost storage deal,
        bytes32 dealId,
        uint256 index,
        bytes32 taskId,
        uint8 status,
        address enclaveChallenge
    ) private view {
        uint256 slot2; // LibDealWords.packBoostWindow
        assembly ("memory-safe") {
            slot2 := sload(add(deal.slot, 2))
        }
        _requireUnsetTask(dealId, index, LibDealWords.boostBotSizeIn(slot2), taskId, status);
        uint256 deadline = LibDealWords.boostDeadlineIn(slot2);
        // the deadline is excluded from the push window (SPECIFICATION §5)
        // slither-disable-next-line timestamp
        if (block.timestamp >= deadline) revert BoostDeadlineReached(taskId, deadline); // solhint-disable-line gas-strict-inequalities
        if (enclaveChallenge == address(0) && LibDealWords.boostShortTagIn(slot2) & 0x01 != 0) revert BoostEnclaveRequired(taskId);
    }

    function _requireUnsetTask(bytes32 dealId, uint256 index, uint256 botSize, bytes32 taskId, uint8 status)
        private
        pure
    {
        // An unknown deal has botSize 0, so every index is unknown.
        // solhint-disable-next-line gas-strict-inequalities
        if (index >= botSize) revert BoostUnknownTask(dealId, index, botSize);
        if (status != TASK_UNSET) revert BoostTaskNotUnset(taskId, status);
    }

    /// @dev Writes the status of an UNSET Boost task as its whole first slot, without reading it first: only the
    ///      status of a Boost task is ever written (a Boost deal id is no classic deal's: both come from the request's
    ///      consumption), so the rest of the slot is zero.
    function _setStatus(HubStorage.Task storage task, uint256 status) private {
        assembly ("memory-safe") {
            sstore(task.slot, status)
        }
    }

    /// @dev The payer of a Boost deal: its stored sponsor, or the requester when none was stored.
    function _sponsorOf(HubStorage.DealBoost storage deal, uint256 flags) private view returns (address) {
        return flags & HubStorage.BOOST_HAS_SPONSOR != 0 ? deal.sponsor : deal.requester;
    }

}
