// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IRegistryEntry} from "./IRegistry.sol";

/// @title IDataset
/// @notice A dataset: where it lives and its checksum (PoCo v5 accessor names).
interface IDataset is IRegistryEntry {
    function m_datasetName() external view returns (string memory);
    function m_datasetMultiaddr() external view returns (bytes memory);
    function m_datasetChecksum() external view returns (bytes32);

    /// @notice Called once by the registry right after cloning.
    function initialize(string calldata name, bytes calldata multiaddr, bytes32 checksum) external;
}

/// @title IDatasetRegistry
/// @notice ERC-721 "iExec Dataset Registry (V5)" (iExecDatasetsV5): one NFT per dataset, token id = uint160(dataset).
/// @dev The shared registry functions (isRegistered, entryOwner, ERC-721) are in IRegistry.
interface IDatasetRegistry {
    /// @notice Deploys the dataset at `predictDataset(...)` (same arguments) and mints its NFT to `owner`.
    function createDataset(address owner, string calldata name, bytes calldata multiaddr, bytes32 checksum)
        external
        returns (address);

    function predictDataset(address owner, string calldata name, bytes calldata multiaddr, bytes32 checksum)
        external
        view
        returns (address);
}
