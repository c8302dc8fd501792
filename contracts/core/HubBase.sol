// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {HubStorage} from "./HubStorage.sol";
import {PocoConstants} from "../libraries/PocoConstants.sol";
import {IEscrow} from "../../interfaces/IEscrow.sol";
import {IHubAdmin} from "../../interfaces/IHubAdmin.sol";

/// @title HubBase
/// @notice What the hub's own code and every routed module share: the owner check, the EIP-712 domain and the four
///         escrow primitives (lock, unlock, reward, seize) with their exact PoCo v5 events.
/// @dev Routed modules are stateless code run by the hub with `delegatecall`: in the hub and in a module alike,
///      `address(this)` is the hub, and all state lives in `HubStorage.layout()`.
abstract contract HubBase {
    /// @dev Addresses every module may need, fixed at deployment (immutables cost no storage read).
    address internal immutable TOKEN;
    address internal immutable APP_REGISTRY;
    address internal immutable DATASET_REGISTRY;
    address internal immutable WORKERPOOL_REGISTRY;

    bytes32 internal constant EIP712DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    /// @dev Every module is deployed with the same four addresses, so the deployment script treats them alike.
    constructor(address token, address appRegistry, address datasetRegistry, address workerpoolRegistry) {
        TOKEN = token;
        APP_REGISTRY = appRegistry;
        DATASET_REGISTRY = datasetRegistry;
        WORKERPOOL_REGISTRY = workerpoolRegistry;
    }

    modifier onlyOwner() {
        address owner_ = HubStorage.layout().owner;
        if (msg.sender != owner_) revert IHubAdmin.CallerIsNotTheOwner(msg.sender, owner_);
        _;
    }

    /// @dev Derived on every call from the chain id and the hub address, so it is right after a chain fork too.
    ///      Hashed in unallocated memory (abi.encode allocates a copy).
    function _domainSeparator() internal view returns (bytes32 separator) {
        bytes32 typehash = EIP712DOMAIN_TYPEHASH;
        bytes8 name = PocoConstants.DOMAIN_NAME;
        uint256 nameLength = PocoConstants.DOMAIN_NAME.length;
        bytes5 version = PocoConstants.DOMAIN_VERSION;
        uint256 versionLength = PocoConstants.DOMAIN_VERSION.length;
        assembly ("memory-safe") {
            // keccak256 of each string from a known word in scratch space: the optimizer computes both hashes
            mstore(0x00, name)
            let nameHash := keccak256(0x00, nameLength)
            mstore(0x00, version)
            let versionHash := keccak256(0x00, versionLength)
            let ptr := mload(0x40)
            mstore(ptr, typehash)
            mstore(add(ptr, 0x20), nameHash)
            mstore(add(ptr, 0x40), versionHash)
            mstore(add(ptr, 0x60), chainid())
            mstore(add(ptr, 0x80), address())
            separator := keccak256(ptr, 0xa0)
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Escrow primitives. Value frozen for an account sits in the hub's own balance (SPECIFICATION §1.3), so that
    // balance(hub) == sum of frozen amounts at all times. Amounts live in account words (HubStorage): a free half
    // and a frozen half in one slot, the kitty's frozen amount in the hub's word. Arithmetic on a half cannot carry
    // into the other: every amount is at most the supply, capped at HubStorage.MAX_SUPPLY (< 2^127).
    // ---------------------------------------------------------------------------------------------------------------

    /// @dev Moves `value` of `account`'s free balance into the hub and freezes it.
    function _lock(address account, uint256 value) internal {
        HubStorage.Layout storage $ = HubStorage.layout();
        _freeze($, account, value);
        _addToHub($, value);
    }

    /// @dev The account side of a lock: free -> frozen, with the events. The caller adds `value` to the hub.
    function _freeze(HubStorage.Layout storage $, address account, uint256 value) internal {
        uint256 word = $.accounts[account];
        uint256 free = HubStorage.freeIn(word);
        if (free < value) revert IEscrow.InsufficientBalance(account, free, value);
        unchecked {
            // free >= value: the subtraction stays in the free half; frozen + value <= supply < 2^127
            $.accounts[account] = (word - value + (value << HubStorage.FROZEN_SHIFT)) | HubStorage.TOUCHED;
        }
        emit IEscrow.Transfer(account, address(this), value);
        emit IEscrow.Lock(account, value);
    }

    /// @dev Unfreezes `value` of `account` and gives it back to its free balance.
    function _unlock(address account, uint256 value) internal {
        HubStorage.Layout storage $ = HubStorage.layout();
        _unlockAccount($, account, value);
        _takeFromHub($, value);
    }

    /// @dev The account side of an unlock: frozen -> free, with the events. The caller takes `value` off the hub's
    ///      balance, so that a payout of several moves writes the hub's word once.
    function _unlockAccount(HubStorage.Layout storage $, address account, uint256 value) internal {
        uint256 word = $.accounts[account];
        uint256 frozen = HubStorage.frozenIn(word);
        if (frozen < value) revert IEscrow.InsufficientFrozen(account, frozen, value);
        unchecked {
            // frozen >= value: the subtraction stays in the frozen half; free + value <= supply
            $.accounts[account] = word - (value << HubStorage.FROZEN_SHIFT) + value;
        }
        emit IEscrow.Transfer(address(this), account, value);
        emit IEscrow.Unlock(account, value);
    }

    /// @dev `_unlockAccount` without the write: returns `account`'s word with `value` unfrozen, for the caller to
    ///      write with `_rewardWord` when the same account is rewarded next (one write instead of two). Only the
    ///      hub's word may be written in between (the kitty slice): no account of a task is the hub.
    function _unlockInWord(HubStorage.Layout storage $, address account, uint256 value)
        internal
        returns (uint256 word)
    {
        word = $.accounts[account];
        uint256 frozen = HubStorage.frozenIn(word);
        if (frozen < value) revert IEscrow.InsufficientFrozen(account, frozen, value);
        unchecked {
            // frozen >= value: the subtraction stays in the frozen half; free + value <= supply
            word = word - (value << HubStorage.FROZEN_SHIFT) + value;
        }
        emit IEscrow.Transfer(address(this), account, value);
        emit IEscrow.Unlock(account, value);
    }

    /// @dev Pays `value` out of the hub's balance (value seized earlier in the same tx) to `account`.
    function _reward(address account, uint256 value, bytes32 ref) internal {
        HubStorage.Layout storage $ = HubStorage.layout();
        _takeFromHub($, value);
        _rewardAccount($, account, value, ref);
    }

    /// @dev The account side of a reward: credit and events. The caller takes `value` off the hub's balance.
    function _rewardAccount(HubStorage.Layout storage $, address account, uint256 value, bytes32 ref) internal {
        HubStorage.credit($, account, value);
        emit IEscrow.Transfer(address(this), account, value);
        emit IEscrow.Reward(account, value, ref);
    }

    /// @dev `_rewardAccount` onto `word`, the account's current word held by the caller (see `_unlockInWord`).
    function _rewardWord(HubStorage.Layout storage $, address account, uint256 word, uint256 value, bytes32 ref)
        internal
    {
        unchecked {
            // cannot overflow: balances sum to at most MAX_SUPPLY
            $.accounts[account] = (word + value) | HubStorage.TOUCHED;
        }
        emit IEscrow.Transfer(address(this), account, value);
        emit IEscrow.Reward(account, value, ref);
    }

    /// @dev Takes `value` of `account`'s frozen amount; the value stays in the hub until rewarded in the same tx.
    function _seize(address account, uint256 value, bytes32 ref) internal {
        HubStorage.Layout storage $ = HubStorage.layout();
        uint256 word = $.accounts[account];
        uint256 frozen = HubStorage.frozenIn(word);
        if (frozen < value) revert IEscrow.InsufficientFrozen(account, frozen, value);
        unchecked {
            $.accounts[account] = word - (value << HubStorage.FROZEN_SHIFT);
        }
        emit IEscrow.Seize(account, value, ref);
    }

    /// @dev Adds `value` to the hub's balance (the free half of its word).
    function _addToHub(HubStorage.Layout storage $, uint256 value) internal {
        unchecked {
            // bounded by the supply
            $.accounts[address(this)] = ($.accounts[address(this)] + value) | HubStorage.TOUCHED;
        }
    }

    /// @dev Takes `value` off the hub's balance. Cannot underflow: `value` was frozen or seized, so it is part of
    ///      balance(hub) by the escrow invariant.
    function _takeFromHub(HubStorage.Layout storage $, uint256 value) internal {
        unchecked {
            $.accounts[address(this)] -= value;
        }
    }

    /// @dev A failed task's seized scheduler stake goes to the kitty: frozen, never free (Halborn 7.4: no balance
    ///      round trip, the events say Reward then Lock). The value already sits in the hub's balance.
    function _rewardKitty(uint256 value, bytes32 ref) internal {
        _rewardKittyAndTake(HubStorage.layout(), value, 0, ref);
    }

    /// @dev `_rewardKitty`, and `out` (what the settlement unlocks, before or after) taken off the hub's balance in
    ///      the same write of the hub's word. The other moves write only their own account's word, so one write of
    ///      the sum leaves the same state as one write per move.
    function _rewardKittyAndTake(HubStorage.Layout storage $, uint256 value, uint256 out, bytes32 ref) internal {
        unchecked {
            // the kitty's frozen half + value <= supply; out <= balance(hub) (see _takeFromHub)
            $.accounts[address(this)] = $.accounts[address(this)] + (value << HubStorage.FROZEN_SHIFT) - out;
        }
        emit IEscrow.Reward(PocoConstants.KITTY_ADDRESS, value, ref);
        emit IEscrow.Lock(PocoConstants.KITTY_ADDRESS, value);
    }

    /// @dev The kitty's share of a successful task (SPECIFICATION §4.6): min(max(10 % of the kitty, KITTY_MIN), kitty),
    ///      seized from the kitty (Seize event); 0 when the kitty is empty. The caller rewards the scheduler with it
    ///      through `_rewardAccount`. The hub's word is written once for the whole payout: besides the slice (out of
    ///      the kitty's frozen half and, paid to the scheduler, out of the hub's balance), `out` is taken off the
    ///      hub's balance: every value the settlement rewards or unlocks, before or after this call, slice aside.
    function _seizeKittySliceAndTake(HubStorage.Layout storage $, uint256 out, bytes32 ref)
        internal
        returns (uint256 slice)
    {
        uint256 hub = $.accounts[address(this)];
        uint256 kitty = HubStorage.frozenIn(hub);
        if (kitty != 0) {
            slice = _pct(kitty, PocoConstants.KITTY_RATIO);
            if (slice < PocoConstants.KITTY_MIN) slice = PocoConstants.KITTY_MIN;
            if (slice > kitty) slice = kitty;
            emit IEscrow.Seize(PocoConstants.KITTY_ADDRESS, slice, ref);
        }
        unchecked {
            // slice <= kitty; out + slice <= balance(hub)
            $.accounts[address(this)] = hub - (slice << HubStorage.FROZEN_SHIFT) - slice - out;
        }
    }

    /// @dev taskid = keccak256(dealid ‖ idx): idx is absolute for classic deals, relative (0-based) for Boost.
    function _taskId(bytes32 dealid, uint256 idx) internal pure returns (bytes32 taskid) {
        assembly ("memory-safe") {
            mstore(0x00, dealid)
            mstore(0x20, idx)
            taskid := keccak256(0x00, 0x40)
        }
    }

    /// @dev keccak256(abi.encodePacked(worker, taskid, enclaveChallenge)), what the scheduler or the TEE broker signs
    ///      to let a worker contribute or push; hashed in unallocated memory (abi.encodePacked allocates a copy).
    function _authorizationHash(address worker, bytes32 taskid, address enclaveChallenge)
        internal
        pure
        returns (bytes32 h)
    {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, shl(96, worker))
            mstore(add(ptr, 0x14), taskid)
            mstore(add(ptr, 0x34), shl(96, enclaveChallenge))
            h := keccak256(ptr, 0x48)
        }
    }

    /// @dev pct(x, r) of the protocol: per-task percentage, floored.
    function _pct(uint256 value, uint256 ratio) internal pure returns (uint256) {
        return value * ratio / 100;
    }
}
