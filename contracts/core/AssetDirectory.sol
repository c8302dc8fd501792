// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {HubBase} from "./HubBase.sol";
import {HubStorage} from "./HubStorage.sol";
import {LibEntryWords} from "../libraries/LibEntryWords.sol";
import {IRegistry} from "../../interfaces/IRegistry.sol";
import {IWorkerpoolRegistry} from "../../interfaces/IWorkerpoolRegistry.sol";

/// @title AssetDirectory
/// @notice Who owns an app, a dataset or a workerpool, as the market asks it: from the hub's directory word when the
///         registry reported the entry (one storage read), otherwise from the registry itself (entries of a previous
///         registry, or of a registry not bound to this hub). Both answers are the same: a bound registry reports
///         every mint, transfer and policy change in the same transaction.
abstract contract AssetDirectory is HubBase {
    /// @dev The owner of `app`, or 0 when it is not a registered app.
    function _appOwner(address app) internal view returns (address) {
        uint256 word = HubStorage.layout().appEntries[app];
        if (word != 0) return LibEntryWords.ownerIn(word);
        return IRegistry(APP_REGISTRY).entryOwner(app);
    }

    /// @dev The owner of `dataset`, or 0 when it is not a registered dataset.
    function _datasetOwner(address dataset) internal view returns (address) {
        uint256 word = HubStorage.layout().datasetEntries[dataset];
        if (word != 0) return LibEntryWords.ownerIn(word);
        return IRegistry(DATASET_REGISTRY).entryOwner(dataset);
    }

    /// @dev The owner of `workerpool` (0 when it is not a registered workerpool) and its policy.
    function _workerpoolOwnerAndPolicy(address workerpool)
        internal
        view
        returns (address owner, uint256 workerStakeRatio, uint256 schedulerRewardRatio)
    {
        uint256 word = HubStorage.layout().workerpoolEntries[workerpool];
        if (word != 0) {
            return (
                LibEntryWords.ownerIn(word),
                LibEntryWords.stakeRatioIn(word),
                LibEntryWords.rewardRatioIn(word)
            );
        }
        return IWorkerpoolRegistry(WORKERPOOL_REGISTRY).entryOwnerAndPolicy(workerpool);
    }
}
