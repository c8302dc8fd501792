// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Registry} from "./Registry.sol";
import {App} from "./App.sol";
import {IAppRegistry} from "../../interfaces/IAppRegistry.sol";

/// @title AppRegistry
/// @notice ERC-721 registry of applications; `createApp` deploys an App clone and mints its NFT.
contract AppRegistry is Registry, IAppRegistry {
    /// @param previous_ an earlier app registry whose apps stay recognised, or the zero address
    constructor(address previous_)
        Registry("iExec Application Registry (V5)", "iExecAppsV5", address(new App()), previous_)
    {}

    /// @inheritdoc IAppRegistry
    function createApp(
        address owner,
        string calldata name,
        string calldata appType,
        bytes calldata multiaddr,
        bytes32 checksum,
        bytes calldata mrenclave
    ) external returns (address app) {
        app = _createEntry(_salt(owner, name, appType, multiaddr, checksum, mrenclave));
        App(app).initialize(name, appType, multiaddr, checksum, mrenclave);
        _mintEntry(owner, app);
    }

    /// @inheritdoc IAppRegistry
    function predictApp(
        address owner,
        string calldata name,
        string calldata appType,
        bytes calldata multiaddr,
        bytes32 checksum,
        bytes calldata mrenclave
    ) external view returns (address) {
        return _predict(_salt(owner, name, appType, multiaddr, checksum, mrenclave));
    }

    function _salt(
        address owner,
        string calldata name,
        string calldata appType,
        bytes calldata multiaddr,
        bytes32 checksum,
        bytes calldata mrenclave
    ) private pure returns (bytes32) {
        return keccak256(abi.encode(name, appType, multiaddr, checksum, mrenclave, owner));
    }
}
