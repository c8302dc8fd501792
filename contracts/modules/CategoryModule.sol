// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {HubBase} from "../core/HubBase.sol";
import {HubStorage} from "../core/HubStorage.sol";
import {PocoConstants} from "../libraries/PocoConstants.sol";
import {ICategoryManager} from "../../interfaces/ICategoryManager.sol";
import {IexecTypes} from "../../interfaces/IexecTypes.sol";

/// @title CategoryModule
/// @notice Categories (PROTOCOL §1.5): 0-based ids in creation order, created by the hub owner only.
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
        HubStorage.Category[] storage categories = HubStorage.layout().categories;
        catid = categories.length;
        categories.push(HubStorage.Category({name: name, description: description, workClockTimeRef: workClockTimeRef}));
        emit CreateCategory(catid, name, description, workClockTimeRef);
    }

    function viewCategory(uint256 catid) external view returns (IexecTypes.Category memory) {
        HubStorage.Category[] storage categories = HubStorage.layout().categories;
        // solhint-disable-next-line gas-strict-inequalities
        if (catid >= categories.length) revert UnknownCategory(catid, categories.length);
        HubStorage.Category storage category = categories[catid];
        return IexecTypes.Category({
            name: category.name,
            description: category.description,
            workClockTimeRef: category.workClockTimeRef
        });
    }

    function countCategory() external view returns (uint256) {
        return HubStorage.layout().categories.length;
    }
}
