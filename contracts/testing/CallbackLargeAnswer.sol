// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IOracleConsumer} from "../../interfaces/IOracleConsumer.sol";

/// @title CallbackLargeAnswer
/// @notice Test consumer that answers `receiveResult` with ANSWER_SIZE bytes of return data. Every instance expands
///         its memory to MEMORY bytes whatever it returns, so two instances spend the same gas themselves and a
///         settlement's gas differs only by what the hub does with the answer (it must not copy it).
contract CallbackLargeAnswer is IOracleConsumer {
    /// memory every call touches (250 kB: about 143k gas of memory expansion, within the default callback gas)
    uint256 public constant MEMORY = 250_000;

    uint256 public immutable ANSWER_SIZE;

    error AnswerTooLarge(uint256 answerSize, uint256 memorySize);

    constructor(uint256 answerSize_) {
        if (answerSize_ > MEMORY) revert AnswerTooLarge(answerSize_, MEMORY);
        ANSWER_SIZE = answerSize_;
    }

    function receiveResult(bytes32, bytes calldata) external view {
        uint256 size = ANSWER_SIZE;
        // not memory-safe, and need not be: the call ends here
        assembly {
            mstore(sub(MEMORY, 0x20), 1)
            return(0, size)
        }
    }
}
