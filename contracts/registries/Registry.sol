// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721Enumerable} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721Enumerable.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IRegistry, IRegistryListener} from "../../interfaces/IRegistry.sol";
import {LibEntryWords} from "../libraries/LibEntryWords.sol";

/// @title Registry
/// @notice What the app, dataset and workerpool registries share (SPECIFICATION §1.4): an ERC-721 Enumerable whose tokens
///         are registry entries. Each entry is a minimal clone (EIP-1167, CREATE2) of a master contract deployed by
///         the registry's constructor; its token id is uint160(entry) and its NFT holder is its owner.
/// @dev The CREATE2 salt hashes the entry's initializer arguments and its owner, so the address is predictable
///      before creation and the same asset cannot be created twice for the same owner. Once bound to a hub, the
///      registry reports every ownership change to it (`IRegistryListener`), which keeps the directory a match reads.
abstract contract Registry is ERC721Enumerable, IRegistry {
    /// @dev The implementation every entry of this registry is a clone of.
    address internal immutable MASTER;
    /// @dev An earlier registry whose entries this one also recognises (migration chaining), or 0.
    IRegistry internal immutable PREVIOUS;
    /// @dev The only account allowed to bind the registry to its hub (the hub is deployed after its registries).
    address private immutable DEPLOYER;

    /// @dev The hub this registry reports to, or 0 before `bindHub`.
    IRegistryListener private _hub;

    constructor(string memory name_, string memory symbol_, address master_, address previous_)
        ERC721(name_, symbol_)
    {
        MASTER = master_;
        PREVIOUS = IRegistry(previous_);
        DEPLOYER = msg.sender;
    }

    /// @inheritdoc IRegistry
    function hub() external view returns (address) {
        return address(_hub);
    }

    /// @inheritdoc IRegistry
    function bindHub(address hub_) external {
        if (msg.sender != DEPLOYER) revert NotRegistryDeployer(msg.sender, DEPLOYER);
        if (address(_hub) != address(0)) revert HubAlreadyBound(address(_hub));
        if (hub_.code.length == 0) revert InvalidHub(hub_);
        _hub = IRegistryListener(hub_);
        emit HubBound(hub_);
    }

    /// @notice The implementation every entry of this registry is a clone of.
    function master() external view returns (address) {
        return MASTER;
    }

    /// @notice An earlier registry whose entries this one also recognises (migration chaining), or 0.
    function previous() external view returns (address) {
        return address(PREVIOUS);
    }

    /// @inheritdoc IRegistry
    function isRegistered(address entry) external view returns (bool registered) {
        registered = _ownerOf(uint160(entry)) != address(0);
        if (!registered && address(PREVIOUS) != address(0)) {
            // like entryOwner: a previous registry that fails to answer counts as "not registered there"
            try PREVIOUS.isRegistered(entry) returns (bool previouslyRegistered) {
                registered = previouslyRegistered;
            } catch {} // solhint-disable-line no-empty-blocks
        }
    }

    /// @inheritdoc IRegistry
    function entryOwner(address entry) public view returns (address owner) {
        owner = _ownerOf(uint160(entry));
        if (owner == address(0) && address(PREVIOUS) != address(0)) {
            // a previous registry may be an original PoCo one whose ownerOf reverts for unknown ids
            try PREVIOUS.ownerOf(uint160(entry)) returns (address previousOwner) {
                owner = previousOwner;
            } catch {} // solhint-disable-line no-empty-blocks
        }
    }

    function ownerOf(uint256 tokenId) public view override(ERC721, IERC721, IRegistry) returns (address) {
        return super.ownerOf(tokenId);
    }

    /// @dev Every mint and transfer ends here (OpenZeppelin ERC-721): the hub learns the entry's new word. There is
    ///      no burn, so `to` is never zero.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        from = super._update(to, tokenId, auth);
        _report(address(uint160(tokenId)), to);
    }

    /// @dev Sends `entry`'s directory word to the bound hub, if any.
    function _report(address entry, address owner) internal {
        IRegistryListener hub_ = _hub;
        if (address(hub_) != address(0)) hub_.onRegistryUpdate(entry, _entryWord(entry, owner));
    }

    /// @dev The directory word of `entry` owned by `owner`; workerpools add their policy.
    function _entryWord(address, address owner) internal view virtual returns (uint256) {
        return LibEntryWords.ofOwner(owner);
    }

    /// @dev The address `_createEntry(salt)` deploys to.
    function _predict(bytes32 salt) internal view returns (address) {
        return Clones.predictDeterministicAddress(MASTER, salt);
    }

    /// @dev Clones the master at its salted address; the caller initializes it, then calls `_mintEntry`.
    function _createEntry(bytes32 salt) internal returns (address entry) {
        address predicted = _predict(salt);
        if (predicted.code.length != 0) revert EntryAlreadyRegistered(predicted);
        entry = Clones.cloneDeterministic(MASTER, salt);
    }

    /// @dev Mints the entry's NFT after initialization, so that it is the create receipt's first ERC-721 Transfer.
    function _mintEntry(address owner, address entry) internal {
        _mint(owner, uint160(entry));
    }
}
