// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721Enumerable} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721Enumerable.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IRegistry} from "../../interfaces/IRegistry.sol";

/// @title Registry
/// @notice What the app, dataset and workerpool registries share (PROTOCOL §1.4): an ERC-721 Enumerable whose tokens
///         are registry entries. Each entry is a minimal clone (EIP-1167, CREATE2) of a master contract deployed by
///         the registry's constructor; its token id is uint160(entry) and its NFT holder is its owner.
/// @dev The CREATE2 salt hashes the entry's initializer arguments and its owner, so the address is predictable
///      before creation and the same asset cannot be created twice for the same owner.
abstract contract Registry is ERC721Enumerable, IRegistry {
    /// @dev The implementation every entry of this registry is a clone of.
    address internal immutable MASTER;
    /// @dev An earlier registry whose entries this one also recognises (migration chaining), or 0.
    IRegistry internal immutable PREVIOUS;

    constructor(string memory name_, string memory symbol_, address master_, address previous_)
        ERC721(name_, symbol_)
    {
        MASTER = master_;
        PREVIOUS = IRegistry(previous_);
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
