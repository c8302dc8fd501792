// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title ITokenRecipient
/// @notice What a contract implements to be the `spender` of an `approveAndCall` (RLC's and SRLC's).
interface ITokenRecipient {
    /// @notice Called right after `from` approved this contract for `value` of `token`.
    /// @param from the account that approved (and called `approveAndCall`)
    /// @param value the approved amount
    /// @param token the token contract that calls
    /// @param extraData opaque data passed through by the caller
    /// @dev Declared without a return value, like the original RLC's `tokenRecipient`: a recipient may return
    ///      something (the hub returns true), callers ignore it.
    function receiveApproval(address from, uint256 value, address token, bytes calldata extraData) external;
}

/// @title IRLC
/// @notice The RLC token: an ERC-20 with 9 decimals (1 RLC = 1e9 nRLC) and the one-transaction `approveAndCall`.
interface IRLC is IERC20 {
    /// @notice Approve `spender` for `value`, then call `spender.receiveApproval(msg.sender, value, this, extraData)`.
    /// @dev Returns nothing, like the original RLC (the iExec SDK encodes it so).
    function approveAndCall(address spender, uint256 value, bytes calldata extraData) external;
}
