// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IexecTypes} from "./IexecTypes.sol";

/// @title IHubAdmin
/// @notice Ownership, configuration, constants and the read-only views of the hub (PoCo v5 accessor names).
interface IHubAdmin {
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    event TeeBrokerUpdated(address previousBroker, address newBroker);
    event CallbackGasUpdated(uint256 previousGas, uint256 newGas);

    /// Thrown when a function restricted to the hub owner is called by someone else.
    error CallerIsNotTheOwner(address caller, address owner);
    /// Thrown when `transferOwnership` is given the zero address (use `renounceOwnership` to leave the hub ownerless).
    error NewOwnerIsTheZeroAddress();
    /// Thrown when a call's selector is routed to no module.
    error UnknownFunction(bytes4 selector);
    /// Thrown by `resultFor` while the task is not COMPLETED.
    error TaskPending(bytes32 taskid, uint8 status);

    function owner() external view returns (address);
    function transferOwnership(address newOwner) external;
    function renounceOwnership() external;

    function token() external view returns (address);
    function appregistry() external view returns (address);
    function datasetregistry() external view returns (address);
    function workerpoolregistry() external view returns (address);
    function teebroker() external view returns (address);
    function callbackgas() external view returns (uint256);
    function setTeeBroker(address broker) external;
    function setCallbackGas(uint256 gas) external;

    function domain() external view returns (IexecTypes.EIP712Domain memory);
    function eip712domain_separator() external view returns (bytes32);
    /// @notice Kept for ABI continuity: the separator is derived from `block.chainid` on every call, so it is always
    ///         current; this function does nothing.
    function updateDomainSeparator() external;

    function contribution_deadline_ratio() external pure returns (uint256);
    function reveal_deadline_ratio() external pure returns (uint256);
    function final_deadline_ratio() external pure returns (uint256);
    function workerpool_stake_ratio() external pure returns (uint256);
    function kitty_ratio() external pure returns (uint256);
    function kitty_min() external pure returns (uint256);
    function kitty_address() external pure returns (address);
    function groupmember_purpose() external pure returns (uint256);

    function viewDeal(bytes32 dealid) external view returns (IexecTypes.Deal memory);
    function viewDealBoost(bytes32 dealid) external view returns (IexecTypes.DealBoost memory);
    function viewConsumed(bytes32 orderHash) external view returns (uint256);
    function viewPresigned(bytes32 orderHash) external view returns (address);
    function viewTask(bytes32 taskid) external view returns (IexecTypes.Task memory);
    function viewContribution(bytes32 taskid, address worker)
        external
        view
        returns (IexecTypes.Contribution memory);
    function viewScore(address worker) external view returns (uint256);
    function resultFor(bytes32 taskid) external view returns (bytes memory);
}
