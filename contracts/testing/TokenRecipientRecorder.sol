// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {ITokenRecipient} from "../../interfaces/IRLC.sol";

/// @title TokenRecipientRecorder
/// @notice Test-only `approveAndCall` spender that records the last `receiveApproval` it got.
contract TokenRecipientRecorder is ITokenRecipient {
    event ApprovalReceived(address from, uint256 value, address token, bytes extraData);

    function receiveApproval(address from, uint256 value, address token, bytes calldata extraData) external {
        emit ApprovalReceived(from, value, token, extraData);
    }
}
