// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @title LibDealWords
/// @notice The storage words of a deal (HubStorage.Deal slots 0-6, HubStorage.DealBoost slots 0-3), packed and
///         unpacked in one place. A match writes each slot whole (one SSTORE, no read of the empty slot) and a Boost
///         push reads each slot whole (one SLOAD per slot instead of one per field); both go through this library,
///         and a harness test checks it against Solidity's own packing of the structs.
/// @dev Solidity packs a struct's fields in declaration order, the first field in the low-order bytes. Every word
///      starts with an address (bits 0-159). Packing does not mask: callers pass values that fit their field (the
///      match checks them and reverts with a named error otherwise).
library LibDealWords {
    /// the field after the leading address
    uint256 private constant HIGH = 160;

    // HubStorage.Deal slot 3: workerpoolOwner, startTime (40), category (32), schedulerRewardRatio (8), flags (8)
    uint256 private constant DEAL_CATEGORY = 200;
    uint256 private constant DEAL_RATIO = 232;
    uint256 private constant DEAL_FLAGS = 240;
    // HubStorage.Deal slot 4: requester, botFirst (48), botSize (48)
    uint256 private constant DEAL_BOT_SIZE = 208;
    // HubStorage.Deal slot 5: dataset, trust (64), shortTag (32)
    uint256 private constant DEAL_SHORT_TAG = 224;

    // HubStorage.DealBoost slot 1: workerpoolOwner, workerpoolPrice (80), schedulerRewardRatio (8), flags (8)
    uint256 private constant BOOST_RATIO = 240;
    uint256 private constant BOOST_FLAGS = 248;
    // HubStorage.DealBoost slot 2: requester, deadline (40), botFirst (16), botSize (16), shortTag (24)
    uint256 private constant BOOST_BOT_FIRST = 200;
    uint256 private constant BOOST_BOT_SIZE = 216;
    uint256 private constant BOOST_SHORT_TAG = 232;

    // -------------------------------------------------------------------------------------------------------------
    // Packing
    // -------------------------------------------------------------------------------------------------------------

    /// @dev An address and a 96-bit amount: Deal slots 0, 1, 2 and 6, DealBoost slots 0 and 3.
    function packAddressAmount(address account, uint256 amount) internal pure returns (uint256) {
        return uint160(account) | (amount << HIGH);
    }

    /// @dev Deal slot 3.
    function packDealScheduler(
        address workerpoolOwner,
        uint256 startTime,
        uint256 category,
        uint256 schedulerRewardRatio,
        uint256 flags
    ) internal pure returns (uint256) {
        return uint160(workerpoolOwner) | (startTime << HIGH) | (category << DEAL_CATEGORY)
            | (schedulerRewardRatio << DEAL_RATIO) | (flags << DEAL_FLAGS);
    }

    /// @dev Deal slot 4.
    function packDealBag(address requester, uint256 botFirst, uint256 botSize) internal pure returns (uint256) {
        return uint160(requester) | (botFirst << HIGH) | (botSize << DEAL_BOT_SIZE);
    }

    /// @dev Deal slot 5.
    function packDealDataset(address dataset, uint256 trust, uint256 shortTag) internal pure returns (uint256) {
        return uint160(dataset) | (trust << HIGH) | (shortTag << DEAL_SHORT_TAG);
    }

    /// @dev DealBoost slot 1.
    function packBoostScheduler(
        address workerpoolOwner,
        uint256 workerpoolPrice,
        uint256 schedulerRewardRatio,
        uint256 flags
    ) internal pure returns (uint256) {
        return uint160(workerpoolOwner) | (workerpoolPrice << HIGH) | (schedulerRewardRatio << BOOST_RATIO)
            | (flags << BOOST_FLAGS);
    }

    /// @dev DealBoost slot 2.
    function packBoostWindow(address requester, uint256 deadline, uint256 botFirst, uint256 botSize, uint256 shortTag)
        internal
        pure
        returns (uint256)
    {
        return uint160(requester) | (deadline << HIGH) | (botFirst << BOOST_BOT_FIRST) | (botSize << BOOST_BOT_SIZE)
            | (shortTag << BOOST_SHORT_TAG);
    }

    // -------------------------------------------------------------------------------------------------------------
    // Unpacking (what a Boost push reads from the words it loads whole)
    // -------------------------------------------------------------------------------------------------------------

    /// @dev The leading address of any deal word.
    function accountIn(uint256 word) internal pure returns (address) {
        return address(uint160(word));
    }

    /// @dev The 96-bit amount of a word made by `packAddressAmount`.
    function amountIn(uint256 word) internal pure returns (uint256) {
        return word >> HIGH;
    }

    function boostPriceIn(uint256 slot1) internal pure returns (uint256) {
        return uint80(slot1 >> HIGH);
    }

    function boostRatioIn(uint256 slot1) internal pure returns (uint256) {
        return uint8(slot1 >> BOOST_RATIO);
    }

    function boostFlagsIn(uint256 slot1) internal pure returns (uint256) {
        return slot1 >> BOOST_FLAGS;
    }

    function boostDeadlineIn(uint256 slot2) internal pure returns (uint256) {
        return uint40(slot2 >> HIGH);
    }

    function boostBotSizeIn(uint256 slot2) internal pure returns (uint256) {
        return uint16(slot2 >> BOOST_BOT_SIZE);
    }

    function boostShortTagIn(uint256 slot2) internal pure returns (uint256) {
        return slot2 >> BOOST_SHORT_TAG;
    }
}
