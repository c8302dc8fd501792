// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @title IOracleConsumer
/// @notice ERC-1154 style result receiver: a deal's `callback` gets each finalized task's `resultsCallback`.
interface IOracleConsumer {
    function receiveResult(bytes32 taskid, bytes calldata resultsCallback) external;
}
