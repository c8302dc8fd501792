// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {MatchBase} from "./MatchBase.sol";
import {HubStorage} from "./HubStorage.sol";
import {LibDealWords} from "../libraries/LibDealWords.sol";
import {LibOrders} from "../libraries/LibOrders.sol";
import {IexecTypes} from "../../interfaces/IexecTypes.sol";
import {IMarket} from "../../interfaces/IMarket.sol";

/// @title Market
/// @notice Classic market: matches an app, dataset (optional), workerpool and request order into a deal
///         (SPECIFICATION §3.7-3.9), paid by the requester (`matchOrders`) or by the caller (`sponsorMatchOrders`).
abstract contract Market is MatchBase, IMarket {

    /// @inheritdoc IMarket
    function matchOrders(
        IexecTypes.AppOrder calldata apporder,
        IexecTypes.DatasetOrder calldata datasetorder,
        IexecTypes.WorkerpoolOrder calldata workerpoolorder,
        IexecTypes.RequestOrder calldata requestorder
    ) external returns (bytes32) {
        return _match(apporder, datasetorder, workerpoolorder, requestorder, requestorder.requester);
    }

    /// @inheritdoc IMarket
    function sponsorMatchOrders(
        IexecTypes.AppOrder calldata apporder,
        IexecTypes.DatasetOrder calldata datasetorder,
        IexecTypes.WorkerpoolOrder calldata workerpoolorder,
        IexecTypes.RequestOrder calldata requestorder
    ) external returns (bytes32 dealid) {
        dealid = _match(apporder, datasetorder, workerpoolorder, requestorder, msg.sender);
        emit DealSponsored(dealid, msg.sender);
    }

    /// @inheritdoc IMarket
    function computeDealVolume(
        IexecTypes.AppOrder calldata apporder,
        IexecTypes.DatasetOrder calldata datasetorder,
        IexecTypes.WorkerpoolOrder calldata workerpoolorder,
        IexecTypes.RequestOrder calldata requestorder
    ) external view returns (uint256 volume) {
        Match memory m; // only the four hashes are used: _volume reads nothing else
        bytes32 separator = _domainSeparator();
        m.appHash = LibOrders.toTypedDataHash(separator, LibOrders.hash(apporder));
        if (datasetorder.dataset != address(0)) {
            m.datasetHash = LibOrders.toTypedDataHash(separator, LibOrders.hash(datasetorder));
        }
        m.workerpoolHash = LibOrders.toTypedDataHash(separator, LibOrders.hash(workerpoolorder));
        m.requestHash = LibOrders.toTypedDataHash(separator, LibOrders.hash(requestorder));
        (volume,) = _volume(
            apporder.volume, datasetorder.volume, workerpoolorder.volume, requestorder.volume, m, false
        );
    }

    function _match(
        IexecTypes.AppOrder calldata app,
        IexecTypes.DatasetOrder calldata dataset,
        IexecTypes.WorkerpoolOrder calldata workerpool,
        IexecTypes.RequestOrder calldata request,
        address sponsor
    ) private returns (bytes32 dealid) {
        Match memory m = _checkOrders(app, dataset, workerpool, request);
        dealid = _dealId(m.requestHash, m.botFirst);
        uint256 workerpoolPrice = workerpool.workerpoolprice;
        _storeDeal(dealid, m, app, dataset, workerpool, request, sponsor);
        _consume(m);
        uint256 volume = m.volume;
        uint256 datasetPrice = m.datasetHash != bytes32(0) ? dataset.datasetprice : 0;
        // Cannot overflow: prices fit 96 bits and volume 48 bits (checked in _storeDeal).
        unchecked {
            _lockDeal(
                sponsor,
                (app.appprice + datasetPrice + workerpoolPrice) * volume,
                m.workerpoolOwner,
                _schedulerStake(workerpoolPrice, volume)
            );
        }
        emit SchedulerNotice(workerpool.workerpool, dealid);
        emit OrdersMatched(dealid, m.appHash, m.datasetHash, m.workerpoolHash, m.requestHash, volume);
    }

    /// @dev Step 27: writes the packed HubStorage.Deal. A deal id is fresh (the request's consumption only grows),
    ///      so every slot starts at zero and only non-zero slots are written, each with a single SSTORE:
    ///      slots 0-5 always, slot 6 with a dataset, 7-10 only when the flags cannot derive them, 11+ for params.
    function _storeDeal(
        bytes32 dealid,
        Match memory m,
        IexecTypes.AppOrder calldata app,
        IexecTypes.DatasetOrder calldata dataset,
        IexecTypes.WorkerpoolOrder calldata workerpool,
        IexecTypes.RequestOrder calldata request,
        address sponsor
    ) private {
        HubStorage.Deal storage deal = HubStorage.layout().deals[dealid];

        uint256 workerpoolPrice = _toPrice(workerpool.workerpoolprice);
        uint256 workerStake = _pct(workerpoolPrice, m.workerStakeRatio);
        if (workerStake > type(uint96).max) revert WorkerStakeTooLarge(workerStake);
        uint256 schedulerRewardRatio = m.schedulerRewardRatio;
        uint256 trust = request.trust == 0 ? 1 : request.trust;
        if (trust > type(uint64).max) revert TrustTooLarge(trust);
        if (m.botFirst + m.volume > type(uint48).max) revert BagOfTasksTooLarge(m.botFirst, m.volume);

        address requester = request.requester;
        address beneficiary = request.beneficiary;
        uint256 flags;
        if (beneficiary == requester) flags |= HubStorage.FLAG_BENEFICIARY_IS_REQUESTER;
        if (sponsor == requester) flags |= HubStorage.FLAG_SPONSOR_IS_REQUESTER;
        bool longTag = uint256(m.tag) > type(uint32).max;
        if (longTag) flags |= HubStorage.FLAG_LONG_TAG;

        // category < categoryCount was checked and categories are created one by one, so it fits 32 bits; the
        // scheduler ratio is <= 100 (enforced by the registry's Workerpool), so it fits its 8 bits.
        uint256 slot0 = LibDealWords.packAddressAmount(app.app, _toPrice(app.appprice));
        uint256 slot1 = LibDealWords.packAddressAmount(m.appOwner, workerpoolPrice);
        uint256 slot2 = LibDealWords.packAddressAmount(workerpool.workerpool, workerStake);
        uint256 slot3 = LibDealWords.packDealScheduler(
            m.workerpoolOwner, block.timestamp, uint32(request.category), schedulerRewardRatio, flags
        );
        uint256 slot4 = LibDealWords.packDealBag(requester, m.botFirst, m.volume);
        uint256 slot5 = LibDealWords.packDealDataset(dataset.dataset, trust, longTag ? 0 : uint256(m.tag));
        assembly ("memory-safe") {
            let s := deal.slot
            sstore(s, slot0)
            sstore(add(s, 1), slot1)
            sstore(add(s, 2), slot2)
            sstore(add(s, 3), slot3)
            sstore(add(s, 4), slot4)
            sstore(add(s, 5), slot5)
        }
        if (m.datasetHash != bytes32(0)) {
            deal.datasetOwner = m.datasetOwner;
            deal.datasetPrice = _toPrice(dataset.datasetprice);
        }
        _storeOptional(deal, request, sponsor, longTag ? m.tag : bytes32(0));
    }

    /// @dev Slots 7+: only what differs from the defaults the flags and zero values imply.
    function _storeOptional(
        HubStorage.Deal storage deal,
        IexecTypes.RequestOrder calldata request,
        address sponsor,
        bytes32 longTag
    ) private {
        address requester = request.requester;
        address beneficiary = request.beneficiary;
        if (beneficiary != requester && beneficiary != address(0)) deal.beneficiary = beneficiary;
        if (request.callback != address(0)) deal.callback = request.callback;
        if (sponsor != requester) deal.sponsor = sponsor;
        if (longTag != bytes32(0)) deal.tag = longTag;
        if (bytes(request.params).length != 0) deal.params = request.params;
    }
}
