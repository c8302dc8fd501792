// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {AssetDirectory} from "./AssetDirectory.sol";
import {HubStorage} from "./HubStorage.sol";
import {LibOrders} from "../libraries/LibOrders.sol";
import {LibSignatures} from "../libraries/LibSignatures.sol";
import {PocoConstants} from "../libraries/PocoConstants.sol";
import {IexecTypes} from "../../interfaces/IexecTypes.sol";
import {IMarket} from "../../interfaces/IMarket.sol";
import {ICategoryManager} from "../../interfaces/ICategoryManager.sol";

/// @title MatchBase
/// @notice The checks every match runs (SPECIFICATION §3.7 steps 1-25), the order consumption and the two escrow locks
///         of §3.9, shared by the classic market (Market) and PoCo Boost (Boost), which each store their own deal record.
abstract contract MatchBase is AssetDirectory {
    /// @dev Tag bits 1-3 (Scone, Gramine, TDX) of the dataset order are dropped from the demand [v6.2], so that a
    ///      dataset order tagged for one TEE framework runs on a pool offering another.
    bytes32 internal constant DATASET_TAG_MASK = ~bytes32(uint256(0xE));
    bytes32 internal constant TEE_BIT = bytes32(uint256(0x1));

    /// @dev What the checks learn and the record needs.
    struct Match {
        bytes32 appHash;
        bytes32 datasetHash; // 0 without dataset
        bytes32 workerpoolHash;
        bytes32 requestHash;
        address appOwner;
        address datasetOwner; // 0 without dataset
        address workerpoolOwner; // the deal's scheduler
        uint256 workerStakeRatio; // the workerpool's policy now (snapshotted into the deal, §3.8)
        uint256 schedulerRewardRatio;
        bytes32 tag; // combined demand
        uint256 timeRef; // the category's workClockTimeRef
        uint256 botFirst; // consumed[requestHash] before this match
        uint256 volume;
    }

    /// @dev Runs every check of §3.7 in order and returns the hashes, owners, tag and volume; reverts with the
    ///      custom error of the first broken rule. Reads state, writes nothing.
    function _checkOrders(
        IexecTypes.AppOrder calldata app,
        IexecTypes.DatasetOrder calldata dataset,
        IexecTypes.WorkerpoolOrder calldata workerpool,
        IexecTypes.RequestOrder calldata request
    ) internal view returns (Match memory m) {
        (m.tag, m.timeRef) = _checkCompatibility(app, dataset, workerpool, request);

        // ---- matching (steps 9-10) ----
        address appAddr = app.app;
        address datasetAddr = dataset.dataset;
        address workerpoolAddr = workerpool.workerpool;
        address requester = request.requester;
        if (request.app != appAddr) revert IMarket.AppMismatch(request.app, appAddr);
        if (request.dataset != datasetAddr) revert IMarket.DatasetMismatch(request.dataset, datasetAddr);

        // ---- restrictions (steps 11-20) ----
        _checkRestrictions(app, dataset, workerpool, request, appAddr, datasetAddr, workerpoolAddr, requester);

        _checkAuthenticity(app, dataset, workerpool, request, m);

        // ---- availability (step 25) ----
        (m.volume, m.botFirst) = _volume(app.volume, dataset.volume, workerpool.volume, request.volume, m, true);
    }

    /// @dev Steps 1-8; returns the combined tag and the category's reference time.
    function _checkCompatibility(
        IexecTypes.AppOrder calldata app,
        IexecTypes.DatasetOrder calldata dataset,
        IexecTypes.WorkerpoolOrder calldata workerpool,
        IexecTypes.RequestOrder calldata request
    ) private view returns (bytes32 tag, uint256 timeRef) {
        uint256 category = request.category;
        if (category != workerpool.category) revert IMarket.CategoryMismatch(category, workerpool.category);
        // one read proves that the category exists and gives its reference time (Category.refWord)
        HubStorage.Layout storage $ = HubStorage.layout();
        uint256 refWord = $.categories[category].refWord;
        if (refWord & HubStorage.CATEGORY_EXISTS == 0) {
            revert ICategoryManager.UnknownCategory(category, $.categoryCount);
        }
        timeRef = HubStorage.timeRefIn(refWord);
        if (request.trust > workerpool.trust) revert IMarket.TrustTooHigh(request.trust, workerpool.trust);
        if (request.appmaxprice < app.appprice) revert IMarket.AppOverpriced(request.appmaxprice, app.appprice);
        if (request.datasetmaxprice < dataset.datasetprice) {
            revert IMarket.DatasetOverpriced(request.datasetmaxprice, dataset.datasetprice);
        }
        if (request.workerpoolmaxprice < workerpool.workerpoolprice) {
            revert IMarket.WorkerpoolOverpriced(request.workerpoolmaxprice, workerpool.workerpoolprice);
        }
        tag = app.tag | (dataset.tag & DATASET_TAG_MASK) | request.tag;
        if (tag & ~workerpool.tag != 0) revert IMarket.TagNotOffered(tag, workerpool.tag);
        if ((tag ^ app.tag) & TEE_BIT != 0) revert IMarket.TeeTagMismatch(tag, app.tag);
    }

    /// @dev Steps 21-24: each asset is registered (its owner read from the directory, 0 when unknown) and each order
    ///      is presigned or signed by its owner; fills the hashes and owners of `m`.
    function _checkAuthenticity(
        IexecTypes.AppOrder calldata app,
        IexecTypes.DatasetOrder calldata dataset,
        IexecTypes.WorkerpoolOrder calldata workerpool,
        IexecTypes.RequestOrder calldata request,
        Match memory m
    ) private view {
        bytes32 separator = _domainSeparator();
        m.appHash = LibOrders.toTypedDataHash(separator, LibOrders.hash(app));
        m.appOwner = _appOwner(app.app);
        if (m.appOwner == address(0)) revert IMarket.AppNotRegistered(app.app);
        if (!LibSignatures.isPresignedOrSigned(m.appOwner, m.appHash, app.sign)) {
            revert IMarket.InvalidAppOrderSignature(m.appHash, m.appOwner);
        }
        address datasetAddr = dataset.dataset;
        if (datasetAddr != address(0)) {
            m.datasetHash = LibOrders.toTypedDataHash(separator, LibOrders.hash(dataset));
            m.datasetOwner = _datasetOwner(datasetAddr);
            if (m.datasetOwner == address(0)) revert IMarket.DatasetNotRegistered(datasetAddr);
            if (!LibSignatures.isPresignedOrSigned(m.datasetOwner, m.datasetHash, dataset.sign)) {
                revert IMarket.InvalidDatasetOrderSignature(m.datasetHash, m.datasetOwner);
            }
        }
        m.workerpoolHash = LibOrders.toTypedDataHash(separator, LibOrders.hash(workerpool));
        // owner and policy in one directory word
        (m.workerpoolOwner, m.workerStakeRatio, m.schedulerRewardRatio) = _workerpoolOwnerAndPolicy(workerpool.workerpool);
        if (m.workerpoolOwner == address(0)) revert IMarket.WorkerpoolNotRegistered(workerpool.workerpool);
        if (!LibSignatures.isPresignedOrSigned(m.workerpoolOwner, m.workerpoolHash, workerpool.sign)) {
            revert IMarket.InvalidWorkerpoolOrderSignature(m.workerpoolHash, m.workerpoolOwner);
        }
        m.requestHash = LibOrders.toTypedDataHash(separator, LibOrders.hash(request));
        if (!LibSignatures.isPresignedOrSigned(request.requester, m.requestHash, request.sign)) {
            revert IMarket.InvalidRequestOrderSignature(m.requestHash, request.requester);
        }
    }

    /// @dev Steps 11-20, in the order of the protocol.
    function _checkRestrictions(
        IexecTypes.AppOrder calldata app,
        IexecTypes.DatasetOrder calldata dataset,
        IexecTypes.WorkerpoolOrder calldata workerpool,
        IexecTypes.RequestOrder calldata request,
        address appAddr,
        address datasetAddr,
        address workerpoolAddr,
        address requester
    ) private view {
        address r = request.workerpool;
        if (!LibSignatures.isAuthorized(r, workerpoolAddr)) revert IMarket.WorkerpoolRestrictedByRequest(r, workerpoolAddr);
        r = app.datasetrestrict;
        if (!LibSignatures.isAuthorized(r, datasetAddr)) revert IMarket.DatasetRestrictedByApp(r, datasetAddr);
        r = app.workerpoolrestrict;
        if (!LibSignatures.isAuthorized(r, workerpoolAddr)) revert IMarket.WorkerpoolRestrictedByApp(r, workerpoolAddr);
        r = app.requesterrestrict;
        if (!LibSignatures.isAuthorized(r, requester)) revert IMarket.RequesterRestrictedByApp(r, requester);
        r = dataset.apprestrict;
        if (!LibSignatures.isAuthorized(r, appAddr)) revert IMarket.AppRestrictedByDataset(r, appAddr);
        r = dataset.workerpoolrestrict;
        if (!LibSignatures.isAuthorized(r, workerpoolAddr)) {
            revert IMarket.WorkerpoolRestrictedByDataset(r, workerpoolAddr);
        }
        r = dataset.requesterrestrict;
        if (!LibSignatures.isAuthorized(r, requester)) revert IMarket.RequesterRestrictedByDataset(r, requester);
        r = workerpool.apprestrict;
        if (!LibSignatures.isAuthorized(r, appAddr)) revert IMarket.AppRestrictedByWorkerpool(r, appAddr);
        r = workerpool.datasetrestrict;
        if (!LibSignatures.isAuthorized(r, datasetAddr)) revert IMarket.DatasetRestrictedByWorkerpool(r, datasetAddr);
        r = workerpool.requesterrestrict;
        if (!LibSignatures.isAuthorized(r, requester)) revert IMarket.RequesterRestrictedByWorkerpool(r, requester);
    }

    /// @dev Step 25: the smallest remaining volume of the orders (the dataset order counts only when it names a
    ///      dataset) and the request's consumption so far. With `strict`, reverts OrderConsumed naming the first
    ///      order with nothing left; without, returns volume 0 (computeDealVolume).
    function _volume(
        uint256 appVolume,
        uint256 datasetVolume,
        uint256 workerpoolVolume,
        uint256 requestVolume,
        Match memory m,
        bool strict
    ) internal view returns (uint256 volume, uint256 requestConsumed) {
        mapping(bytes32 => uint256) storage consumed = HubStorage.layout().consumed;
        // Cannot underflow: consumed[h] <= volume of h (matches add at most the remaining volume, CLOSE sets it to
        // exactly the volume), and the volume is part of the hash.
        volume = appVolume - consumed[m.appHash];
        if (volume == 0 && strict) revert IMarket.OrderConsumed(m.appHash);
        if (m.datasetHash != bytes32(0)) {
            uint256 left = datasetVolume - consumed[m.datasetHash];
            if (left == 0 && strict) revert IMarket.OrderConsumed(m.datasetHash);
            if (left < volume) volume = left;
        }
        uint256 wpLeft = workerpoolVolume - consumed[m.workerpoolHash];
        if (wpLeft == 0 && strict) revert IMarket.OrderConsumed(m.workerpoolHash);
        if (wpLeft < volume) volume = wpLeft;
        requestConsumed = consumed[m.requestHash];
        uint256 reqLeft = requestVolume - requestConsumed;
        if (reqLeft == 0 && strict) revert IMarket.OrderConsumed(m.requestHash);
        if (reqLeft < volume) volume = reqLeft;
    }

    /// @dev Step 26: deal id = keccak256(requestHash ‖ consumed[requestHash] before the match).
    function _dealId(bytes32 requestHash, uint256 botFirst) internal pure returns (bytes32 dealid) {
        assembly ("memory-safe") {
            mstore(0x00, requestHash)
            mstore(0x20, botFirst)
            dealid := keccak256(0x00, 0x40)
        }
    }

    /// @dev Step 28: each order consumes `volume` (the dataset order only when there is a dataset).
    function _consume(Match memory m) internal {
        mapping(bytes32 => uint256) storage consumed = HubStorage.layout().consumed;
        uint256 volume = m.volume;
        // Cannot overflow: each order had at least `volume` left, so the sums stay <= the order volumes.
        unchecked {
            consumed[m.appHash] += volume;
            if (m.datasetHash != bytes32(0)) consumed[m.datasetHash] += volume;
            consumed[m.workerpoolHash] += volume;
            consumed[m.requestHash] = m.botFirst + volume;
        }
    }

    /// @dev Steps 29-30: lock the deal's price from the sponsor and the scheduler's stake (per-task percentage,
    ///      then times volume), with the events of two `_lock` calls; the hub's own balance is written once.
    function _lockDeal(address sponsor, uint256 sponsorValue, address scheduler, uint256 schedulerValue) internal {
        HubStorage.Layout storage $ = HubStorage.layout();
        _freeze($, sponsor, sponsorValue);
        _freeze($, scheduler, schedulerValue);
        // Cannot overflow: both values came out of balances, bounded by the supply.
        unchecked {
            _addToHub($, sponsorValue + schedulerValue);
        }
    }

    /// @dev Deal prices live in 96 bits.
    function _toPrice(uint256 price) internal pure returns (uint96) {
        if (price > type(uint96).max) revert IMarket.PriceTooLarge(price);
        return uint96(price);
    }

    /// @dev Scheduler stake for `volume` tasks: pct(price, 30) per task, then times volume (rounding per task).
    function _schedulerStake(uint256 workerpoolPrice, uint256 volume) internal pure returns (uint256) {
        return _pct(workerpoolPrice, PocoConstants.WORKERPOOL_STAKE_RATIO) * volume;
    }
}
