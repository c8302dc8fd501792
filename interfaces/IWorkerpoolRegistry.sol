// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @title IWorkerpoolRegistry
/// @notice ERC-721 "iExec Workerpool Registry (V5)" (iExecWorkerpoolV5): one NFT per workerpool, token id =
///         uint160(workerpool); the NFT holder is the pool's scheduler.
/// @dev The shared registry functions (isRegistered, entryOwner, ERC-721) are in IRegistry.
interface IWorkerpoolRegistry {
    /// Thrown when an account that is not one of this registry's workerpools tries to store a policy.
    error NotAWorkerpool(address caller);

    /// @notice Deploys the workerpool at `predictWorkerpool(...)` (same arguments), with the default policy (30 % worker
    ///         stake, 1 % scheduler reward), and mints its NFT to `owner`.
    function createWorkerpool(address owner, string calldata description) external returns (address);

    function predictWorkerpool(address owner, string calldata description) external view returns (address);

    /// @notice Called by one of this registry's workerpools when its owner changes its policy (Workerpool.changePolicy
    ///         checks the caller and the values, and emits PolicyUpdate).
    function setPolicy(uint256 workerStakeRatio, uint256 schedulerRewardRatio) external;

    /// @notice A workerpool's policy in %: (30, 1) until its owner changes it.
    function policyOf(address workerpool) external view returns (uint256 workerStakeRatio, uint256 schedulerRewardRatio);

    /// @notice What a match needs in one call: the pool's owner (0 when unknown, as `entryOwner`) and its policy.
    function entryOwnerAndPolicy(address workerpool)
        external
        view
        returns (address owner, uint256 workerStakeRatio, uint256 schedulerRewardRatio);
}
