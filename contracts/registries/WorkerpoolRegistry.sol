// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Registry} from "./Registry.sol";
import {Workerpool} from "./Workerpool.sol";
import {IWorkerpoolRegistry} from "../../interfaces/IWorkerpoolRegistry.sol";

/// @title WorkerpoolRegistry
/// @notice ERC-721 registry of workerpools; `createWorkerpool` deploys a Workerpool clone and mints its NFT.
contract WorkerpoolRegistry is Registry, IWorkerpoolRegistry {
    /// @param previous_ an earlier workerpool registry whose workerpools stay recognised, or the zero address
    constructor(address previous_)
        Registry("iExec Workerpool Registry (V5)", "iExecWorkerpoolV5", address(new Workerpool()), previous_)
    {}

    /// @inheritdoc IWorkerpoolRegistry
    function createWorkerpool(address owner, string calldata description) external returns (address workerpool) {
        workerpool = _createEntry(_salt(owner, description));
        Workerpool(workerpool).initialize(description);
        _mintEntry(owner, workerpool);
    }

    /// @inheritdoc IWorkerpoolRegistry
    function predictWorkerpool(address owner, string calldata description) external view returns (address) {
        return _predict(_salt(owner, description));
    }

    function _salt(address owner, string calldata description) private pure returns (bytes32) {
        return keccak256(abi.encode(description, owner));
    }
}
