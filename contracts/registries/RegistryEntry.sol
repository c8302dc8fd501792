// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IRegistry, IRegistryEntry} from "../../interfaces/IRegistry.sol";
import {IHubAdmin} from "../../interfaces/IHubAdmin.sol";

/// @title RegistryEntry
/// @notice What apps, datasets and workerpools share: the registry that created them, ownership through the entry's
///         NFT, and a one-time initializer (entries are clones, so they have no constructor of their own).
abstract contract RegistryEntry is IRegistryEntry {
    /// @dev Set in the master's constructor (deployed by the registry); clones run the master's code and so read the
    ///      same value.
    IRegistry private immutable REGISTRY;
    /// @dev Packed with the first state variable of the entry when that one is small enough.
    bool private _initialized;

    constructor() {
        REGISTRY = IRegistry(msg.sender);
        // the master itself is never initialized: only its clones carry data
        _initialized = true;
    }

    modifier onlyOwner() {
        address owner_ = owner();
        if (msg.sender != owner_) revert IHubAdmin.CallerIsNotTheOwner(msg.sender, owner_);
        _;
    }

    /// @inheritdoc IRegistryEntry
    function owner() public view returns (address) {
        return REGISTRY.ownerOf(uint160(address(this)));
    }

    /// @inheritdoc IRegistryEntry
    function registry() external view returns (address) {
        return address(REGISTRY);
    }

    function _registry() internal view returns (address) {
        return address(REGISTRY);
    }

    function _initializeOnce() internal {
        if (_initialized) revert AlreadyInitialized();
        _initialized = true;
    }
}
