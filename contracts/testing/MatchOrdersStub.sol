// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {HubBase} from "../core/HubBase.sol";
import {HubStorage} from "../core/HubStorage.sol";
import {IexecTypes} from "../../interfaces/IexecTypes.sol";

/// @title MatchOrdersStub
/// @notice Test-only stand-in for the market's `matchOrders`, routed instead of it on a test hub, to check how
///         `receiveApproval` runs the call and reports its failures. The request's `params` choose the outcome.
contract MatchOrdersStub is HubBase {
    /// Thrown when the stub is asked to fail with a reason.
    error StubFailed(address requester);

    event StubMatched(address sender, address requester, uint256 hubBalance);

    constructor(address token, address appRegistry, address datasetRegistry, address workerpoolRegistry)
        HubBase(token, appRegistry, datasetRegistry, workerpoolRegistry)
    {}

    function matchOrders(
        IexecTypes.AppOrder calldata,
        IexecTypes.DatasetOrder calldata,
        IexecTypes.WorkerpoolOrder calldata,
        IexecTypes.RequestOrder calldata requestorder
    ) external returns (bytes32) {
        bytes32 mode = keccak256(bytes(requestorder.params));
        if (mode == keccak256("revert-empty")) {
            // a revert without any data, which receiveApproval reports as OperationFailed()
            assembly ("memory-safe") {
                revert(0, 0)
            }
        }
        if (mode == keccak256("revert-reason")) revert StubFailed(requestorder.requester);
        // runs in the hub's context: sees the requester's SRLC balance just minted by the deposit
        emit StubMatched(msg.sender, requestorder.requester, HubStorage.balanceOf(HubStorage.layout(), requestorder.requester));
        return keccak256(bytes(requestorder.params));
    }
}
