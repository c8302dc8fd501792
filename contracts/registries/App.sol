// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {RegistryEntry} from "./RegistryEntry.sol";
import {IApp} from "../../interfaces/IAppRegistry.sol";

/// @title App
/// @notice An application entry of the AppRegistry (PoCo v5 accessor names, read by the iExec SDK).
contract App is RegistryEntry, IApp {
    // PoCo v5 getter names, called by the iExec SDK (docs/SDK_COMPAT.md)
    // solhint-disable var-name-mixedcase
    string public m_appName;
    string public m_appType;
    bytes public m_appMultiaddr;
    bytes32 public m_appChecksum;
    bytes public m_appMREnclave;
    // solhint-enable var-name-mixedcase

    /// @inheritdoc IApp
    function initialize(
        string calldata name,
        string calldata appType,
        bytes calldata multiaddr,
        bytes32 checksum,
        bytes calldata mrenclave
    ) external {
        _initializeOnce();
        m_appName = name;
        m_appType = appType;
        m_appMultiaddr = multiaddr;
        m_appChecksum = checksum;
        if (mrenclave.length != 0) m_appMREnclave = mrenclave;
    }
}
