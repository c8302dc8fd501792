// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IOracleConsumer} from "../../interfaces/IOracleConsumer.sol";

/// @title CallbackRecorder
/// @notice Test consumer: stores every result it receives and who delivered it.
contract CallbackRecorder is IOracleConsumer {
    event ResultReceived(address indexed sender, bytes32 indexed taskid, bytes resultsCallback);

    mapping(bytes32 taskid => bytes) public results;
    uint256 public calls;
    address public lastSender;

    function receiveResult(bytes32 taskid, bytes calldata resultsCallback) external {
        results[taskid] = resultsCallback;
        calls += 1;
        lastSender = msg.sender;
        emit ResultReceived(msg.sender, taskid, resultsCallback);
    }
}
