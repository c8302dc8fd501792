// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Registry} from "./Registry.sol";
import {Dataset} from "./Dataset.sol";
import {IDatasetRegistry} from "../../interfaces/IDatasetRegistry.sol";

/// @title DatasetRegistry
/// @notice ERC-721 registry of datasets; `createDataset` deploys a Dataset clone and mints its NFT.
contract DatasetRegistry is Registry, IDatasetRegistry {
    /// @param previous_ an earlier dataset registry whose datasets stay recognised, or the zero address
    constructor(address previous_)
        Registry("iExec Dataset Registry (V5)", "iExecDatasetsV5", address(new Dataset()), previous_)
    {}

    /// @inheritdoc IDatasetRegistry
    function createDataset(address owner, string calldata name, bytes calldata multiaddr, bytes32 checksum)
        external
        returns (address dataset)
    {
        dataset = _createEntry(_salt(owner, name, multiaddr, checksum));
        Dataset(dataset).initialize(name, multiaddr, checksum);
        _mintEntry(owner, dataset);
    }

    /// @inheritdoc IDatasetRegistry
    function predictDataset(address owner, string calldata name, bytes calldata multiaddr, bytes32 checksum)
        external
        view
        returns (address)
    {
        return _predict(_salt(owner, name, multiaddr, checksum));
    }

    function _salt(address owner, string calldata name, bytes calldata multiaddr, bytes32 checksum)
        private
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(name, multiaddr, checksum, owner));
    }
}
