// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @title IRegistry
/// @notice What the hub asks of the app, dataset and workerpool registries (ERC-721 Enumerable; token id =
///         uint160(entry address); the NFT owner owns the entry).
interface IRegistry {
    /// @notice True if `entry` was created by this registry (or a previous one it chains to).
    function isRegistered(address entry) external view returns (bool);
    /// @notice The owner of a registered `entry`, or the zero address when `entry` is not registered. One call that
    ///         answers both questions the market asks, without reverting.
    function entryOwner(address entry) external view returns (address);
    function ownerOf(uint256 tokenId) external view returns (address);
}

/// @title IWorkerpool
/// @notice The workerpool entry's policy, snapshotted into each deal at match time.
interface IWorkerpool {
    function owner() external view returns (address);
    function m_workerStakeRatioPolicy() external view returns (uint256);
    function m_schedulerRewardRatioPolicy() external view returns (uint256);
    /// @notice Both ratios in one call (what the market reads at match time).
    function policy() external view returns (uint256 workerStakeRatio, uint256 schedulerRewardRatio);
}
