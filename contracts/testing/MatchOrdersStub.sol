// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {HubBase} from "../core/HubBase.sol";
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
        if (mode == keccak256("revert-empty")) revert(); // solhint-disable-line reason-string
        if (mode == keccak256("revert-reason")) revert StubFailed(requestorder.requester);
        // runs in the hub's context: reads the requester's fresh SRLC balance from the hub's storage
        (bool ok, bytes memory balance) =
            address(this).staticcall(abi.encodeWithSignature("balanceOf(address)", requestorder.requester));
        require(ok); // solhint-disable-line reason-string, gas-custom-errors
        emit StubMatched(msg.sender, requestorder.requester, abi.decode(balance, (uint256)));
        return keccak256(bytes(requestorder.params));
    }
}
