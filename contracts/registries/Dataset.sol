// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {RegistryEntry} from "./RegistryEntry.sol";
import {IDataset} from "../../interfaces/IDatasetRegistry.sol";

/// @title Dataset
/// @notice A dataset entry of the DatasetRegistry (PoCo v5 accessor names, read by the iExec SDK).
contract Dataset is RegistryEntry, IDataset {
    // PoCo v5 getter names, called by the iExec SDK (docs/SDK_COMPAT.md)
    // solhint-disable var-name-mixedcase
    string public m_datasetName;
    bytes public m_datasetMultiaddr;
    bytes32 public m_datasetChecksum;
    // solhint-enable var-name-mixedcase

    /// @inheritdoc IDataset
    function initialize(string calldata name, bytes calldata multiaddr, bytes32 checksum) external {
        _initializeOnce();
        m_datasetName = name;
        m_datasetMultiaddr = multiaddr;
        m_datasetChecksum = checksum;
    }
}
