// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IOracleConsumer} from "../../interfaces/IOracleConsumer.sol";

/// @title CallbackGasBurner
/// @notice Test consumer that spends all the gas it is given (a requester trying to starve finalize).
contract CallbackGasBurner is IOracleConsumer {
    uint256 public counter;

    function receiveResult(bytes32, bytes calldata) external {
        while (true) {
            counter += 1;
        }
    }
}
