// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {HubStorage} from "../core/HubStorage.sol";
import {LibDealWords} from "../libraries/LibDealWords.sol";

/// @title DealWordsHarness
/// @notice Test harness of LibDealWords against Solidity's own packing of HubStorage.Deal and HubStorage.DealBoost:
///         words written through the library are read back through the struct fields (what the views and the
///         classic settlement read), and fields written through the struct are read back through the library
///         (what a Boost push reads). Call with eth_call: nothing needs to persist.
contract DealWordsHarness {
    /// Deal slots 0-5 (slot 6 is packAddressAmount, tested through DealBoost slot 0 and 3)
    struct DealFields {
        address app;
        uint256 appPrice;
        address appOwner;
        uint256 workerpoolPrice;
        address workerpool;
        uint256 workerStake;
        address workerpoolOwner;
        uint256 startTime;
        uint256 category;
        uint256 schedulerRewardRatio;
        uint256 flags;
        address requester;
        uint256 botFirst;
        uint256 botSize;
        address dataset;
        uint256 trust;
        uint256 shortTag;
    }

    /// DealBoost slots 0-3
    struct BoostFields {
        address appOwner;
        uint256 appPrice;
        address workerpoolOwner;
        uint256 workerpoolPrice;
        uint256 schedulerRewardRatio;
        uint256 flags;
        address requester;
        uint256 deadline;
        uint256 botFirst;
        uint256 botSize;
        uint256 shortTag;
        address datasetOwner;
        uint256 datasetPrice;
    }

    HubStorage.Deal private deal;
    HubStorage.DealBoost private dealBoost;

    /// @notice Packs `f` with LibDealWords as a match does, stores the six words, reads the struct's fields.
    function dealThroughLibrary(DealFields calldata f) external returns (DealFields memory out) {
        uint256[6] memory words = [
            LibDealWords.packAddressAmount(f.app, f.appPrice),
            LibDealWords.packAddressAmount(f.appOwner, f.workerpoolPrice),
            LibDealWords.packAddressAmount(f.workerpool, f.workerStake),
            LibDealWords.packDealScheduler(
                f.workerpoolOwner, f.startTime, f.category, f.schedulerRewardRatio, f.flags
            ),
            LibDealWords.packDealBag(f.requester, f.botFirst, f.botSize),
            LibDealWords.packDealDataset(f.dataset, f.trust, f.shortTag)
        ];
        HubStorage.Deal storage d = deal;
        for (uint256 i = 0; i < 6; ++i) {
            uint256 word = words[i];
            assembly ("memory-safe") {
                sstore(add(d.slot, i), word)
            }
        }
        out = DealFields({
            app: d.app,
            appPrice: d.appPrice,
            appOwner: d.appOwner,
            workerpoolPrice: d.workerpoolPrice,
            workerpool: d.workerpool,
            workerStake: d.workerStake,
            workerpoolOwner: d.workerpoolOwner,
            startTime: d.startTime,
            category: d.category,
            schedulerRewardRatio: d.schedulerRewardRatio,
            flags: d.flags,
            requester: d.requester,
            botFirst: d.botFirst,
            botSize: d.botSize,
            dataset: d.dataset,
            trust: d.trust,
            shortTag: d.shortTag
        });
    }

    /// @notice Packs `f` with LibDealWords as a Boost match does, stores the four words, reads the struct's fields.
    function boostThroughLibrary(BoostFields calldata f) external returns (BoostFields memory out) {
        uint256[4] memory words = [
            LibDealWords.packAddressAmount(f.appOwner, f.appPrice),
            LibDealWords.packBoostScheduler(f.workerpoolOwner, f.workerpoolPrice, f.schedulerRewardRatio, f.flags),
            LibDealWords.packBoostWindow(f.requester, f.deadline, f.botFirst, f.botSize, f.shortTag),
            LibDealWords.packAddressAmount(f.datasetOwner, f.datasetPrice)
        ];
        HubStorage.DealBoost storage d = dealBoost;
        for (uint256 i = 0; i < 4; ++i) {
            uint256 word = words[i];
            assembly ("memory-safe") {
                sstore(add(d.slot, i), word)
            }
        }
        out.appOwner = d.appOwner;
        out.appPrice = d.appPrice;
        out.workerpoolOwner = d.workerpoolOwner;
        out.workerpoolPrice = d.workerpoolPrice;
        out.schedulerRewardRatio = d.schedulerRewardRatio;
        out.flags = d.flags;
        out.requester = d.requester;
        out.deadline = d.deadline;
        out.botFirst = d.botFirst;
        out.botSize = d.botSize;
        out.shortTag = uint24(d.shortTag);
        out.datasetOwner = d.datasetOwner;
        out.datasetPrice = d.datasetPrice;
    }

    /// @notice Writes `f` through the struct's fields, loads the four words, unpacks them with LibDealWords as a Boost
    ///         push does (botFirst has no reader: a push does not need it, it is returned as 0).
    function boostThroughStruct(BoostFields calldata f) external returns (BoostFields memory out) {
        HubStorage.DealBoost storage d = dealBoost;
        d.appOwner = f.appOwner;
        d.appPrice = uint96(f.appPrice);
        d.workerpoolOwner = f.workerpoolOwner;
        d.workerpoolPrice = uint80(f.workerpoolPrice);
        d.schedulerRewardRatio = uint8(f.schedulerRewardRatio);
        d.flags = uint8(f.flags);
        d.requester = f.requester;
        d.deadline = uint40(f.deadline);
        d.botFirst = uint16(f.botFirst);
        d.botSize = uint16(f.botSize);
        d.shortTag = bytes3(uint24(f.shortTag));
        d.datasetOwner = f.datasetOwner;
        d.datasetPrice = uint96(f.datasetPrice);
        uint256[4] memory words;
        for (uint256 i = 0; i < 4; ++i) {
            uint256 word;
            assembly ("memory-safe") {
                word := sload(add(d.slot, i))
            }
            words[i] = word;
        }
        out.appOwner = LibDealWords.accountIn(words[0]);
        out.appPrice = LibDealWords.amountIn(words[0]);
        out.workerpoolOwner = LibDealWords.accountIn(words[1]);
        out.workerpoolPrice = LibDealWords.boostPriceIn(words[1]);
        out.schedulerRewardRatio = LibDealWords.boostRatioIn(words[1]);
        out.flags = LibDealWords.boostFlagsIn(words[1]);
        out.requester = LibDealWords.accountIn(words[2]);
        out.deadline = LibDealWords.boostDeadlineIn(words[2]);
        out.botSize = LibDealWords.boostBotSizeIn(words[2]);
        out.shortTag = LibDealWords.boostShortTagIn(words[2]);
        out.datasetOwner = LibDealWords.accountIn(words[3]);
        out.datasetPrice = LibDealWords.amountIn(words[3]);
    }
}
