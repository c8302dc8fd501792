// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @title LibEntryWords
/// @notice The hub keeps a directory of registry entries (SPECIFICATION §12, gas): one storage word per app, dataset or
///         workerpool, written by the registry on every mint, transfer and policy change, so that a match reads one
///         word per asset instead of calling three registries (about 3 to 5.5k gas each).
/// @dev Layout: owner in bits 0-159; for a workerpool, schedulerRewardRatio in bits 160-167 (<= 100) and
///      workerStakeRatio in bits 168-255. An owner is never zero, so a word is never zero; the zero word means
///      "not in the directory: ask the registry" (entries of a previous registry, entries minted before the registry
///      was bound, a workerpool whose stake ratio does not fit 88 bits).
library LibEntryWords {
    uint256 private constant RATIO_SHIFT = 160;
    uint256 private constant STAKE_SHIFT = 168;
    /// largest worker stake ratio a word can hold
    uint256 internal constant MAX_STAKE_RATIO = (1 << 88) - 1;

    /// @dev The word of an app or a dataset.
    function ofOwner(address owner) internal pure returns (uint256) {
        return uint160(owner);
    }

    /// @dev The word of a workerpool, or 0 (not cached) when its stake ratio does not fit. `schedulerRewardRatio` is
    ///      <= 100 by the workerpool's own rule.
    function ofWorkerpool(address owner, uint256 workerStakeRatio, uint256 schedulerRewardRatio)
        internal
        pure
        returns (uint256)
    {
        if (workerStakeRatio > MAX_STAKE_RATIO) return 0;
        return uint160(owner) | (schedulerRewardRatio << RATIO_SHIFT) | (workerStakeRatio << STAKE_SHIFT);
    }

    function ownerIn(uint256 word) internal pure returns (address) {
        return address(uint160(word));
    }

    function stakeRatioIn(uint256 word) internal pure returns (uint256) {
        return word >> STAKE_SHIFT;
    }

    function rewardRatioIn(uint256 word) internal pure returns (uint256) {
        return (word >> RATIO_SHIFT) & 0xff;
    }
}
