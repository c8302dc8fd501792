// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IexecTypes} from "./IexecTypes.sol";

/// @title IEscrow
/// @notice The hub's escrow: an ERC-20 ("Staked RLC", SRLC, 9 decimals) whose free balance is an account's stake, plus
///         a frozen amount per account. Value frozen by `lock` sits in the hub's own SRLC balance until it is
///         unlocked, rewarded to someone, or seized.
interface IEscrow {
    /// @notice ERC-20 transfer of free SRLC; also mint (from 0) on deposit, burn (to 0) on withdraw, and the moves
    ///         between an account and the hub done by lock, unlock and reward.
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
    /// @notice `amount` of `owner`'s free balance was frozen (moved to the hub).
    event Lock(address owner, uint256 amount);
    /// @notice `amount` of `owner`'s frozen balance was made free again.
    event Unlock(address owner, uint256 amount);
    /// @notice `owner` was paid `amount` out of the frozen pool for task or deal `ref`.
    event Reward(address owner, uint256 amount, bytes32 ref);
    /// @notice `amount` of `owner`'s frozen balance was taken for task `ref`; it is paid to others in the same tx.
    event Seize(address owner, uint256 amount, bytes32 ref);

    /// Thrown when an account's free balance is below what an operation takes from it.
    error InsufficientBalance(address account, uint256 balance, uint256 needed);
    /// Thrown when a spender's allowance is below what it tries to move.
    error InsufficientAllowance(address owner, address spender, uint256 allowance, uint256 needed);
    /// Thrown when an account's frozen amount is below what an unlock or seize takes.
    error InsufficientFrozen(address account, uint256 frozen, uint256 needed);
    /// Thrown on a transfer, mint or approval involving the zero address.
    error ZeroAddress();
    /// Thrown when SRLC would be credited to the hub itself: the hub's balance only backs frozen amounts
    /// (SPECIFICATION §9 invariant 2), so free value sent there would be stuck and break that equality.
    error RecipientIsTheHub();
    /// Thrown when a deposit would take the SRLC supply above its cap (2^127 - 1, far above all RLC ever minted):
    /// the cap lets an account's free and frozen amounts share one storage word.
    error SupplyCapExceeded(uint256 supply, uint256 cap);
    /// Thrown when paired arrays differ in length.
    error ArrayLengthMismatch(uint256 a, uint256 b);
    /// Thrown when the RLC token refuses a transfer.
    error TokenTransferFailed();
    /// Thrown when `receiveApproval` is called for a token that is not the hub's RLC.
    error WrongToken(address token);
    /// Thrown when `receiveApproval` carries a call that is not a supported operation.
    error UnsupportedOperation(bytes4 selector);
    /// Thrown when `receiveApproval` carries a match whose request order belongs to someone else.
    error CallerIsNotTheRequester(address sender, address requester);
    /// Thrown when the operation carried by `receiveApproval` reverts without a reason.
    error OperationFailed();
    /// Thrown when ether is sent to the hub.
    error FallbackDisabled();

    function name() external view returns (string memory);
    function symbol() external view returns (string memory);
    function decimals() external view returns (uint8);
    function totalSupply() external view returns (uint256);
    function balanceOf(address account) external view returns (uint256);
    function frozenOf(address account) external view returns (uint256);
    function allowance(address owner, address spender) external view returns (uint256);
    function viewAccount(address account) external view returns (IexecTypes.Account memory);

    function transfer(address to, uint256 value) external returns (bool);
    function approve(address spender, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
    function increaseAllowance(address spender, uint256 addedValue) external returns (bool);
    function decreaseAllowance(address spender, uint256 subtractedValue) external returns (bool);
    /// @notice Approve `spender` and call its `receiveApproval(msg.sender, value, hub, extraData)`.
    function approveAndCall(address spender, uint256 value, bytes calldata extraData) external returns (bool);

    /// @notice Pull `amount` RLC from the caller (needs an RLC allowance) and credit the same SRLC.
    function deposit(uint256 amount) external returns (bool);
    function depositFor(uint256 amount, address target) external returns (bool);
    function depositForArray(uint256[] calldata amounts, address[] calldata targets) external returns (bool);
    /// @notice Burn `amount` free SRLC and send the same RLC.
    function withdraw(uint256 amount) external returns (bool);
    function withdrawTo(uint256 amount, address target) external returns (bool);
    /// @notice Owner only: mint to the owner the RLC held by the hub beyond the SRLC supply. Returns the amount.
    function recover() external returns (uint256);
    /// @notice Called by RLC's `approveAndCall`: deposits `amount` for `sender`; if `data` is a `matchOrders` call
    ///         whose request order is `sender`'s, matches it in the same transaction.
    function receiveApproval(address sender, uint256 amount, address token, bytes calldata data)
        external
        returns (bool);
}
