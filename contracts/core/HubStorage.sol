// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {PocoConstants} from "../libraries/PocoConstants.sol";

/// @title HubStorage
/// @notice The one storage layout shared by the hub and every module it delegates to.
/// @dev !!! WARNING !!! Every module runs with `delegatecall` against this layout. Append new fields at the end of
///      `Layout` (or of a struct that only lives in a mapping); never reorder, retype or remove a field.
///      The layout sits at an ERC-7201 namespaced slot so that no inherited contract can collide with it.
library HubStorage {
    /// keccak256(abi.encode(uint256(keccak256("poco.storage.Hub")) - 1)) & ~bytes32(uint256(0xff)), as a literal: the
    /// compiler evaluates that expression at run time, on every layout() call (a test checks the value).
    bytes32 internal constant SLOT = 0x33f9c1c0c2a32c833368a2ddcccf15aff996d86e4faeed9e6f9bc3aa4d11c500;

    // Deal.flags bits: which optional fields hold their value in the deal rather than being derived.
    uint8 internal constant FLAG_BENEFICIARY_IS_REQUESTER = 0x01; // beneficiary == requester, `beneficiary` not written
    uint8 internal constant FLAG_SPONSOR_IS_REQUESTER = 0x02; //     sponsor == requester, `sponsor` not written
    uint8 internal constant FLAG_LONG_TAG = 0x04; //                 tag does not fit 32 bits, kept in `tag`

    // DealBoost.flags bits: the optional slots written at match.
    uint8 internal constant BOOST_HAS_DATASET = 0x01; //  datasetOwner / datasetPrice
    uint8 internal constant BOOST_HAS_CALLBACK = 0x02; // callback
    uint8 internal constant BOOST_HAS_SPONSOR = 0x04; //  sponsor (someone else than the requester pays)

    /// @notice A classic deal. Packed so that a deal without dataset, callback, sponsor or exotic tag and whose
    ///         beneficiary is its requester costs six slots plus its params (the original used 22).
    struct Deal {
        // slot 0
        address app;
        uint96 appPrice;
        // slot 1
        address appOwner;
        uint96 workerpoolPrice;
        // slot 2
        address workerpool;
        uint96 workerStake; // pct(workerpoolPrice, workerStakeRatioPolicy) at match time
        // slot 3
        address workerpoolOwner; // the scheduler for the whole deal, snapshot at match time
        uint40 startTime;
        uint32 category;
        uint8 schedulerRewardRatio; // snapshot at match time
        uint8 flags; // FLAG_*
        // slot 4
        address requester;
        uint48 botFirst;
        uint48 botSize;
        // slot 5
        address dataset;
        uint64 trust; // max(request.trust, 1)
        uint32 shortTag; // the tag when it fits 32 bits (FLAG_LONG_TAG unset)
        // slot 6, written only with a dataset
        address datasetOwner;
        uint96 datasetPrice;
        // slots 7.. written only when they differ from what the flags imply
        address beneficiary;
        address callback;
        address sponsor;
        bytes32 tag;
        string params;
    }

    /// @notice A classic task (also carries the status of Boost tasks so that `viewTask` shows them).
    struct Task {
        // slot 0
        uint8 status; // TASK_* of libraries/Statuses.sol
        uint40 timeref;
        uint40 contributionDeadline;
        uint40 revealDeadline;
        uint40 finalDeadline;
        uint16 revealCounter;
        uint16 winnerCounter;
        uint48 idx;
        // slot 1
        bytes32 dealid;
        // slot 2
        bytes32 consensusValue;
        // slot 3: consensus "total" minus one, so that a fresh task needs no write (total = 1 + sum of groups).
        // Like `groups`, it is not updated by the vote that reaches consensus (see Poco.contribute).
        uint256 totalMinusOne;
        address[] contributors;
        bytes32 resultDigest;
        bytes results;
        bytes resultsCallback;
    }

    /// @notice One worker's contribution to one task.
    struct Contribution {
        // slot 0
        uint8 status; // CONTRIBUTION_* of libraries/Statuses.sol
        uint8 weight; // floor(log2(worker weight)), used for reward shares
        address enclaveChallenge;
        // slot 1, 2
        bytes32 resultHash;
        bytes32 resultSeal;
    }

    /// @notice A Boost deal (`viewDealBoost` shows it as PoCo v5.5's DealBoost). Three slots for a deal without
    ///         dataset, callback or sponsor: the worker reward is derived from the workerpool price and the
    ///         scheduler ratio snapshot (so the workerpool price lives in 80 bits), the optional fields are written
    ///         only when present and flagged in `flags`.
    struct DealBoost {
        // slot 0
        address appOwner;
        uint96 appPrice;
        // slot 1
        address workerpoolOwner;
        uint80 workerpoolPrice;
        uint8 schedulerRewardRatio; // snapshot at match time; workerReward = pct(price, 100 - ratio)
        uint8 flags; // BOOST_HAS_*: which optional slots below hold a value, so a push reads only those
        // slot 2
        address requester;
        uint40 deadline;
        uint16 botFirst;
        uint16 botSize;
        bytes3 shortTag;
        // slot 3, only with a dataset
        address datasetOwner;
        uint96 datasetPrice;
        // slot 4, only with a callback
        address callback;
        // slot 5, only when someone else than the requester pays (0 means the requester)
        address sponsor;
    }

    /// @notice A category. `refWord` is its workClockTimeRef (<= MAX_WORK_CLOCK_TIME_REF) with CATEGORY_EXISTS set,
    ///         so that the one read a match makes proves that the category exists and gives its reference time.
    struct Category {
        string name;
        string description;
        uint256 refWord;
    }

    uint256 internal constant CATEGORY_EXISTS = 1 << 255;

    struct Layout {
        // ---- hub ----
        address owner;
        /// number of categories (ids 0 .. count - 1); in the owner's slot, which createCategory reads anyway
        uint96 categoryCount;
        /// selector => module the hub delegates it to
        mapping(bytes4 selector => address module) modules;
        // ---- escrow (ERC-20 "Staked RLC") ----
        /// account => its free balance and frozen amount in one word (see `Account words` below)
        mapping(address account => uint256 word) accounts;
        mapping(address account => mapping(address spender => uint256)) allowances;
        uint256 totalSupply;
        // ---- configuration ----
        address teebroker;
        uint256 callbackgas;
        mapping(uint256 catid => Category) categories;
        // ---- market ----
        mapping(bytes32 orderHash => address signer) presigned;
        mapping(bytes32 orderHash => uint256 volume) consumed;
        mapping(bytes32 dealid => Deal) deals;
        mapping(bytes32 dealid => DealBoost) dealsBoost;
        // ---- PoCo ----
        mapping(bytes32 taskid => Task) tasks;
        mapping(bytes32 taskid => mapping(bytes32 resultHash => uint256 weight)) groups;
        mapping(bytes32 taskid => mapping(address worker => Contribution)) contributions;
        mapping(address worker => uint256 score) workerScores;
        // ---- directory of registry entries (LibEntryWords; written by the registries, read by the market) ----
        mapping(address app => uint256 word) appEntries;
        mapping(address dataset => uint256 word) datasetEntries;
        mapping(address workerpool => uint256 word) workerpoolEntries;
    }

    // -----------------------------------------------------------------------------------------------------------------
    // Account words. An account's free balance (bits 0-127) and frozen amount (bits 128-254) share one storage word,
    // so a lock, an unlock or a stake touches one slot instead of two. Bit 255 marks a touched account: the word
    // never returns to zero, so a later lock costs a storage update (~2.9k gas) rather than a fresh write (~22.1k).
    // The hub's own word holds its balance (the sum of all frozen amounts, SPECIFICATION §9 invariant 2) and, in its
    // frozen half, the kitty's frozen amount: the hub word is touched by every payout anyway, so reading the kitty
    // costs no extra cold slot. Amounts fit because the SRLC supply is capped at MAX_SUPPLY (EscrowModule._mint).
    // -----------------------------------------------------------------------------------------------------------------

    uint256 internal constant MAX_SUPPLY = (1 << 127) - 1;
    uint256 internal constant FREE_MASK = (1 << 128) - 1;
    uint256 internal constant TOUCHED = 1 << 255;
    uint256 internal constant FROZEN_SHIFT = 128;

    function freeIn(uint256 word) internal pure returns (uint256) {
        return word & FREE_MASK;
    }

    function frozenIn(uint256 word) internal pure returns (uint256) {
        return (word & ~TOUCHED) >> FROZEN_SHIFT;
    }

    function toWord(uint256 free, uint256 frozen) internal pure returns (uint256) {
        return free | (frozen << FROZEN_SHIFT) | TOUCHED;
    }

    /// @dev The free balance (the ERC-20 balance) of `account`; for the hub, the sum of all frozen amounts.
    function balanceOf(Layout storage $, address account) internal view returns (uint256) {
        return freeIn($.accounts[account]);
    }

    /// @dev The frozen amount of `account`. The kitty's lives in the hub's word; the hub itself freezes nothing.
    function frozenOf(Layout storage $, address account) internal view returns (uint256) {
        if (account == PocoConstants.KITTY_ADDRESS) return frozenIn($.accounts[address(this)]);
        if (account == address(this)) return 0;
        return frozenIn($.accounts[account]);
    }

    /// @dev Adds `value` to `account`'s free balance. Cannot overflow: balances sum to at most MAX_SUPPLY.
    function credit(Layout storage $, address account, uint256 value) internal {
        unchecked {
            $.accounts[account] = ($.accounts[account] + value) | TOUCHED;
        }
    }

    /// @dev The hub's word: its balance in the free half, the kitty's frozen amount in the frozen half.
    function hubWord(Layout storage $) internal view returns (uint256) {
        return $.accounts[address(this)];
    }

    function setHubWord(Layout storage $, uint256 hubBalance, uint256 kittyFrozen) internal {
        $.accounts[address(this)] = toWord(hubBalance, kittyFrozen);
    }

    /// @dev A category's workClockTimeRef from its ref word (HubStorage.Category.refWord).
    function timeRefIn(uint256 refWord) internal pure returns (uint256) {
        return refWord & ~CATEGORY_EXISTS;
    }

    /// @dev What the worker of a Boost task earns: the workerpool price minus the scheduler's ratio.
    function boostWorkerReward(DealBoost storage deal) internal view returns (uint256) {
        return boostWorkerReward(deal.workerpoolPrice, deal.schedulerRewardRatio);
    }

    /// @dev The same from the two values, for a caller that holds the deal's slot 1 unpacked.
    function boostWorkerReward(uint256 workerpoolPrice, uint256 schedulerRewardRatio) internal pure returns (uint256) {
        return workerpoolPrice * (100 - schedulerRewardRatio) / 100;
    }

    function layout() internal pure returns (Layout storage $) {
        bytes32 slot = SLOT;
        assembly {
            $.slot := slot
        }
    }
}
