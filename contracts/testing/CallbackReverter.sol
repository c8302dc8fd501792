// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IOracleConsumer} from "../../interfaces/IOracleConsumer.sol";

/// @title CallbackReverter
/// @notice Test consumer that rejects every result (a requester trying to block finalize).
contract CallbackReverter is IOracleConsumer {
    error ResultRefused(bytes32 taskid);

    function receiveResult(bytes32 taskid, bytes calldata) external pure {
        revert ResultRefused(taskid);
    }
}
