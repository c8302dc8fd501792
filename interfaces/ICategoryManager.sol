// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IexecTypes} from "./IexecTypes.sol";

/// @title ICategoryManager
/// @notice Categories fix the reference work time of a task (`workClockTimeRef`, seconds) from which every deadline
///         derives. Ids are 0-based, in creation order.
interface ICategoryManager {
    /// @notice Category `catid` was created.
    event CreateCategory(uint256 catid, string name, string description, uint256 workClockTimeRef);

    /// Thrown when a category id is not below `countCategory()`.
    error UnknownCategory(uint256 catid, uint256 count);
    /// Thrown when a work clock time would make deadlines overflow their 40-bit timestamps.
    error WorkClockTimeRefTooLarge(uint256 workClockTimeRef, uint256 max);

    /// @notice Owner only. Returns the new category id.
    function createCategory(string calldata name, string calldata description, uint256 workClockTimeRef)
        external
        returns (uint256);
    function viewCategory(uint256 catid) external view returns (IexecTypes.Category memory);
    function countCategory() external view returns (uint256);
}
