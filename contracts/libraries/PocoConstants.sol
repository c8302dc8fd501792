// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @title PocoConstants
/// @notice The protocol's numbers, named once. `offchain/protocol/constants.py` mirrors them (a test checks it).
library PocoConstants {
    /// contribution deadline = deal.startTime + 7 * workClockTimeRef
    uint256 internal constant CONTRIBUTION_DEADLINE_RATIO = 7;
    /// reveal deadline = time of consensus + 2 * workClockTimeRef
    uint256 internal constant REVEAL_DEADLINE_RATIO = 2;
    /// final deadline = deal.startTime + 10 * workClockTimeRef
    uint256 internal constant FINAL_DEADLINE_RATIO = 10;
    /// scheduler stake per task = pct(workerpool price, 30)
    uint256 internal constant WORKERPOOL_STAKE_RATIO = 30;
    /// % of the kitty paid to the scheduler on each successful task
    uint256 internal constant KITTY_RATIO = 10;
    /// smallest kitty slice (1 RLC in nRLC)
    uint256 internal constant KITTY_MIN = 1_000_000_000;
    /// account holding seized scheduler stakes: first 20 bytes of keccak256("iExecKitty") minus 1
    address internal constant KITTY_ADDRESS = 0x99c2268479b93fDe36232351229815DF80837e23;
    /// ERC-734 key purpose of a group member (order restrictions)
    uint256 internal constant GROUPMEMBER_PURPOSE = 4;
    /// gas forwarded to a result callback unless the owner sets another value (PoCo v6.2)
    uint256 internal constant DEFAULT_CALLBACK_GAS = 200_000;
    /// largest workClockTimeRef accepted: keeps every deadline inside a uint40 timestamp for millennia
    uint256 internal constant MAX_WORK_CLOCK_TIME_REF = type(uint32).max;
    /// most contributions a task accepts, so that finalize, reopen and claim of a full task stay far below a
    /// 30 M gas block (SPECIFICATION §12.7); tested at this limit
    uint256 internal constant MAX_CONTRIBUTORS = 64;

    // EIP-712 domain of the PoCo v5 market (clients sign against it). Fixed-size byte strings, not `string`: the hub
    // hashes them in scratch memory, which the optimizer folds into constants (a `string` is hashed at run time).
    bytes8 internal constant DOMAIN_NAME = "iExecODB";
    bytes5 internal constant DOMAIN_VERSION = "5.0.0";
}
