// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IRegistryEntry} from "./IRegistry.sol";

/// @title IApp
/// @notice An application: where its code lives and how to check it (PoCo v5 accessor names).
interface IApp is IRegistryEntry {
    function m_appName() external view returns (string memory);
    /// @notice e.g. "DOCKER"
    function m_appType() external view returns (string memory);
    /// @notice where the app is fetched from (e.g. a docker image name as bytes)
    function m_appMultiaddr() external view returns (bytes memory);
    function m_appChecksum() external view returns (bytes32);
    /// @notice TEE enclave measurement (empty for a standard app)
    function m_appMREnclave() external view returns (bytes memory);

    /// @notice Called once by the registry right after cloning.
    function initialize(
        string calldata name,
        string calldata appType,
        bytes calldata multiaddr,
        bytes32 checksum,
        bytes calldata mrenclave
    ) external;
}

/// @title IAppRegistry
/// @notice ERC-721 "iExec Application Registry (V5)" (iExecAppsV5): one NFT per app, token id = uint160(app).
/// @dev The shared registry functions (isRegistered, entryOwner, ERC-721) are in IRegistry.
interface IAppRegistry {
    /// @notice Deploys the app at `predictApp(...)` (same arguments) and mints its NFT to `owner`.
    function createApp(
        address owner,
        string calldata name,
        string calldata appType,
        bytes calldata multiaddr,
        bytes32 checksum,
        bytes calldata mrenclave
    ) external returns (address);

    function predictApp(
        address owner,
        string calldata name,
        string calldata appType,
        bytes calldata multiaddr,
        bytes32 checksum,
        bytes calldata mrenclave
    ) external view returns (address);
}
