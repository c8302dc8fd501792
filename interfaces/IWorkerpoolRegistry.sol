// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @title IWorkerpoolRegistry
/// @notice ERC-721 "iExec Workerpool Registry (V5)" (iExecWorkerpoolV5): one NFT per workerpool, token id =
///         uint160(workerpool); the NFT holder is the pool's scheduler.
/// @dev The shared registry functions (isRegistered, entryOwner, ERC-721) are in IRegistry.
interface IWorkerpoolRegistry {
    /// @notice Deploys the workerpool at `predictWorkerpool(...)` (same arguments), with the default policy (30 % worker
    ///         stake, 1 % scheduler reward), and mints its NFT to `owner`.
    function createWorkerpool(address owner, string calldata description) external returns (address);

    function predictWorkerpool(address owner, string calldata description) external view returns (address);
}
