// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {HubBase} from "../core/HubBase.sol";
import {HubStorage} from "../core/HubStorage.sol";
import {PocoConstants} from "../libraries/PocoConstants.sol";
import {ICategoryManager} from "../../interfaces/ICategoryManager.sol";
import {IexecTypes} from "../../interfaces/IexecTypes.sol";

/// @title CategoryModule
/// @notice Categories (SPECIFICATION §1.5): 0-based ids in creation order, created by the hub owner only.
contract CategoryModule is HubBase, ICategoryManager {
    constructor(address token, address appRegistry, address datasetRegistry, address workerpoolRegistry)
        HubBase(token, appRegistry, datasetRegistry, workerpoolRegistry)
    {}

    function createCategory(string calldata name, string calldata description, uint256 workClockTimeRef)
        external
        onlyOwner
        returns (uint256 catid)
    {
        if (workClockTimeRef > PocoConstants.MAX_WORK_CLOCK_TIME_REF) {
            revert WorkClockTimeRefTooLarge(workClockTimeRef, PocoConstants.MAX_WORK_CLOCK_TIME_REF);
        }
        HubStorage.Layout storage $ = HubStorage.layout();
        catid = $.categoryCount; // the owner's slot, warm after onlyOwner
        $.categoryCount = uint96(catid + 1); // one at a time, by the owner: never near 2^96
        HubStorage.Category storage category = $.categories[catid];
        category.name = name;
        category.description = description;
        category.refWord = workClockTimeRef | HubStorage.CATEGORY_EXISTS;
        emit CreateCategory(catid, name, description, workClockTimeRef);
    }

    function viewCategory(uint256 catid) external view returns (IexecTypes.Category memory) {
        HubStorage.Layout storage $ = HubStorage.layout();
        HubStorage.Category storage category = $.categories[catid];
        uint256 refWord = category.refWord;
        if (refWord & HubStorage.CATEGORY_EXISTS == 0) revert UnknownCategory(catid, $.categoryCount);
        return IexecTypes.Category({
            name: category.name,
            description: category.description,
            workClockTimeRef: HubStorage.timeRefIn(refWord)
        });
    }

    function countCategory() external view returns (uint256) {
        return HubStorage.layout().categoryCount;
    }
}
