// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {HubBase} from "../core/HubBase.sol";
import {HubStorage} from "../core/HubStorage.sol";
import {MatchBase} from "../core/MatchBase.sol";
import {LibSignatures} from "../libraries/LibSignatures.sol";
import {PocoConstants} from "../libraries/PocoConstants.sol";
import {IexecTypes} from "../../interfaces/IexecTypes.sol";
import {IMarket} from "../../interfaces/IMarket.sol";
import {IPoco} from "../../interfaces/IPoco.sol";
import {IPocoBoost} from "../../interfaces/IPocoBoost.sol";
import {IOracleConsumer} from "../../interfaces/IOracleConsumer.sol";

/// @title BoostModule
/// @notice PoCo Boost (PROTOCOL §4.11): a deal is matched once, then each task is settled by one transaction, either
///         `pushResultBoost` (worker, before the deadline) or `claimBoost` (anyone, from the deadline).
/// @dev Storage per deal is `HubStorage.DealBoost`: three slots, plus the dataset slot with a dataset, the callback
///      slot with a callback and the sponsor slot when someone else than the requester pays (0 means "the
///      requester"; `viewDealBoost` returns the requester then). The worker reward is derived from the workerpool
///      price and the scheduler ratio snapshot. Per task only `tasks[taskId].status` is written, so
///      `viewTask` shows COMPLETED or FAILED.
abstract contract BoostModule is MatchBase, IPocoBoost {
    uint8 private constant STATUS_UNSET = uint8(IexecTypes.TaskStatusEnum.UNSET);
    uint8 private constant STATUS_COMPLETED = uint8(IexecTypes.TaskStatusEnum.COMPLETED);
    uint8 private constant STATUS_FAILED = uint8(IexecTypes.TaskStatusEnum.FAILED);
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
        uint256 slot1; // workerpoolOwner, workerpoolPrice (80), schedulerRewardRatio (8), flags (8)
        assembly ("memory-safe") {
            slot1 := sload(add(deal.slot, 1))
        }
        address scheduler = address(uint160(slot1));
        uint256 flags = slot1 >> 248;
        {
            // The TEE broker vouches for enclave executions when one is set; otherwise the deal's scheduler does.
            address broker = enclaveChallenge == address(0) ? address(0) : $.teebroker;
            address authorizer = broker == address(0) ? scheduler : broker;
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
        _setStatus(task, STATUS_COMPLETED);
        _payTask(deal, slot1, taskId);
        emit ResultPushedBoost(dealId, index, results);

        if (callback != address(0)) _callback($.callbackgas, callback, taskId, resultsCallback);
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

        _setStatus(task, STATUS_FAILED);
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
    ///      PROTOCOL §12.5), the Boost limits, then the compact record, consumption, locks and events.
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

        // Packing follows the declaration order of HubStorage.DealBoost: first field in the low-order bytes; botFirst
        // and volume fit 16 bits (checked by the caller), the short tag is the tag's low 3 bytes.
        uint256 slot0 = uint160(m.appOwner) | (uint256(_toPrice(appPrice)) << 160);
        uint256 slot1 = uint160(m.workerpoolOwner) | (workerpoolPrice << 160) | (schedulerRewardRatio << 240)
            | (flags << 248);
        uint256 slot2 = uint160(requester) | (deadline << 160) | (m.botFirst << 200) | (m.volume << 216)
            | ((uint256(m.tag) & 0xffffff) << 232);
        assembly ("memory-safe") {
            let s := deal.slot
            sstore(s, slot0)
            sstore(add(s, 1), slot1)
            sstore(add(s, 2), slot2)
        }
        if (flags & HubStorage.BOOST_HAS_DATASET != 0) {
            uint256 slot3 = uint160(m.datasetOwner) | (uint256(_toPrice(datasetPrice)) << 160);
            assembly ("memory-safe") {
                sstore(add(deal.slot, 3), slot3)
            }
        }
        if (callback != address(0)) deal.callback = callback;
        if (sponsor != requester) deal.sponsor = sponsor;
    }

    /// @dev True if `signature` is `identity`'s signature of ethmsg(`hash`) (ECDSA 65/64 bytes, or ERC-1271).
    function _isEthSignedBy(address identity, bytes32 hash, bytes calldata signature) private view returns (bool) {
        return LibSignatures.isValidSignature(identity, MessageHashUtils.toEthSignedMessageHash(hash), signature);
    }

    /// @dev Pays a completed task (same event order as PoCo v5.5): seize the sponsor's task price; reward the worker,
    ///      the app owner and the dataset owner; unlock the scheduler's stake; take a kitty slice; reward the
    ///      scheduler with the rest of the workerpool price plus that slice. Σ seized == Σ rewarded. Only the
    ///      optional slots that `flags` names are read; slot 1 comes from the caller, slot 0 is read whole.
    function _payTask(HubStorage.DealBoost storage deal, uint256 slot1, bytes32 taskId) private {
        HubStorage.Layout storage $ = HubStorage.layout();
        uint256 slot0; // appOwner, appPrice (96)
        assembly ("memory-safe") {
            slot0 := sload(deal.slot)
        }
        uint256 workerpoolPrice = uint80(slot1 >> 160);
        uint256 datasetPrice = 0;
        address datasetOwner = address(0);
        if ((slot1 >> 248) & HubStorage.BOOST_HAS_DATASET != 0) {
            datasetPrice = deal.datasetPrice;
            datasetOwner = deal.datasetOwner;
        }
        uint256 price = (slot0 >> 160) + datasetPrice + workerpoolPrice;
        _seize(_sponsorOf(deal, slot1 >> 248), price, taskId);
        uint256 workerReward = HubStorage.boostWorkerReward(workerpoolPrice, uint8(slot1 >> 240));
        _rewardAccount($, msg.sender, workerReward, taskId);
        if (slot0 >> 160 != 0) _rewardAccount($, address(uint160(slot0)), slot0 >> 160, taskId);
        if (datasetPrice != 0) _rewardAccount($, datasetOwner, datasetPrice, taskId);
        uint256 stake = _pct(workerpoolPrice, PocoConstants.WORKERPOOL_STAKE_RATIO);
        // the scheduler's word is written once, with its stake unlocked and its reward
        uint256 schedulerWord = _unlockInWord($, address(uint160(slot1)), stake);
        // one write of the hub's word: the task price and the stake leave it (the slice too, inside)
        uint256 slice = _seizeKittySliceAndTake($, price + stake, taskId);
        // workerReward <= workerpoolPrice by construction (pct with a ratio <= 100)
        _rewardWord($, address(uint160(slot1)), schedulerWord, workerpoolPrice - workerReward + slice, taskId);
    }

    /// @dev Runs the deal's callback with the hub's callback gas. Its outcome is ignored (a requester's failing
    ///      contract must not block the worker's payment), but the caller must leave enough gas for it to run.
    function _callback(uint256 callbackGas, address callback, bytes32 taskId, bytes calldata resultsCallback)
        private
    {
        bytes memory data = abi.encodeCall(IOracleConsumer.receiveResult, (taskId, resultsCallback));
        // slither-disable-next-line unchecked-lowlevel,low-level-calls
        (bool success,) = callback.call{gas: callbackGas}(data); // solhint-disable-line avoid-low-level-calls
        // slither-disable-next-line redundant-statements
        success; // ignored on purpose (see above)
        uint256 required = callbackGas / 63;
        // solhint-disable-next-line gas-strict-inequalities
        if (gasleft() <= required) revert BoostNotEnoughGasAfterCallback(taskId, gasleft(), required);
    }

    /// @dev The push checks on the deal's slot 2: known task, UNSET, before the deadline, enclave when the tag asks
    ///      for one. Deal slots are read whole (one SLOAD each instead of one per field) and unpacked in the
    ///      declaration order of HubStorage.DealBoost: first field in the low-order bytes, as _recordDeal packs them.
    function _checkPushWindow(
        HubStorage.DealBoost storage deal,
        bytes32 dealId,
        uint256 index,
        bytes32 taskId,
        uint8 status,
        address enclaveChallenge
    ) private view {
        uint256 slot2; // requester, deadline (40), botFirst (16), botSize (16), shortTag (24)
        assembly ("memory-safe") {
            slot2 := sload(add(deal.slot, 2))
        }
        _requireUnsetTask(dealId, index, uint16(slot2 >> 216), taskId, status);
        uint256 deadline = uint40(slot2 >> 160);
        // the deadline is excluded from the push window (PROTOCOL §5)
        // slither-disable-next-line timestamp
        if (block.timestamp >= deadline) revert BoostDeadlineReached(taskId, deadline); // solhint-disable-line gas-strict-inequalities
        if (enclaveChallenge == address(0) && (slot2 >> 232) & 0x01 != 0) revert BoostEnclaveRequired(taskId);
    }

    function _requireUnsetTask(bytes32 dealId, uint256 index, uint256 botSize, bytes32 taskId, uint8 status)
        private
        pure
    {
        // An unknown deal has botSize 0, so every index is unknown.
        // solhint-disable-next-line gas-strict-inequalities
        if (index >= botSize) revert BoostUnknownTask(dealId, index, botSize);
        if (status != STATUS_UNSET) revert BoostTaskNotUnset(taskId, status);
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
