// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {HubBase} from "./HubBase.sol";
import {HubStorage} from "./HubStorage.sol";
import {LibSignatures} from "../libraries/LibSignatures.sol";
import {IPoco} from "../../interfaces/IPoco.sol";
import {IPocoBoost} from "../../interfaces/IPocoBoost.sol";
import {IOracleConsumer} from "../../interfaces/IOracleConsumer.sol";

/// @title SettleBase
/// @notice The rules both task paths (classic PoCo and Boost) apply when a worker hands in a result: who authorizes
///         a worker, how a signed message is checked, and how the requester's result callback is run.
abstract contract SettleBase is HubBase {
    /// @dev Who vouches for a worker on a task: the TEE broker for an enclave execution when one is set, otherwise
    ///      the deal's scheduler.
    function _authorizer(address scheduler, address enclaveChallenge) internal view returns (address) {
        if (enclaveChallenge != address(0)) {
            address broker = HubStorage.layout().teebroker;
            if (broker != address(0)) return broker;
        }
        return scheduler;
    }

    /// @dev True if `signature` is `identity`'s signature of ethmsg(`hash`) (ECDSA 65/64 bytes, or ERC-1271).
    function _isEthSignedBy(address identity, bytes32 hash, bytes calldata signature) internal view returns (bool) {
        return LibSignatures.isValidSignature(identity, MessageHashUtils.toEthSignedMessageHash(hash), signature);
    }

    /// @dev Tells the deal's callback contract, if any, about the result. The call gets at most the
    ///      hub's callback gas; its outcome and return data are ignored: a reverting or gas-burning consumer, or an
    ///      EOA, cannot block the settlement, and no return data is copied, so a consumer cannot make the worker pay
    ///      for a large answer. Afterwards more than callbackgas / 63 gas must remain, otherwise the caller may have
    ///      starved the call (EIP-150 forwards at most 63/64 of what is left); `boost` picks the path's error.
    function _runCallback(bytes32 taskid, address callback, bytes calldata resultsCallback, bool boost) internal {
        if (callback == address(0)) return;
        uint256 callbackGas = HubStorage.layout().callbackgas;
        bytes memory data = abi.encodeCall(IOracleConsumer.receiveResult, (taskid, resultsCallback));
        assembly ("memory-safe") {
            pop(call(callbackGas, callback, 0, add(data, 0x20), mload(data), 0, 0))
        }
        uint256 left = gasleft();
        uint256 required = callbackGas / 63;
        // solhint-disable-next-line gas-strict-inequalities
        if (left <= required) {
            if (boost) revert IPocoBoost.BoostNotEnoughGasAfterCallback(taskid, left, required);
            revert IPoco.CallbackGasTooLow(taskid, left, callbackGas);
        }
    }
}
