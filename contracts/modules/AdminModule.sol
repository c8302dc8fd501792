// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {HubBase} from "../core/HubBase.sol";
import {HubStorage} from "../core/HubStorage.sol";
import {PocoConstants} from "../libraries/PocoConstants.sol";
import {IexecTypes} from "../../interfaces/IexecTypes.sol";
import {IHubAdmin} from "../../interfaces/IHubAdmin.sol";

/// @title AdminModule
/// @notice Ownership, configuration (TEE broker, callback gas), the EIP-712 domain and the protocol constants.
/// @dev The read-only views of deals, tasks and scores live in ViewModule; both implement parts of IHubAdmin.
contract AdminModule is HubBase {
    constructor(address token_, address appRegistry, address datasetRegistry, address workerpoolRegistry)
        HubBase(token_, appRegistry, datasetRegistry, workerpoolRegistry)
    {}

    // ---------------------------------------------------------------------------------------------------------------
    // Ownership
    // ---------------------------------------------------------------------------------------------------------------

    function owner() external view returns (address) {
        return HubStorage.layout().owner;
    }

    function transferOwnership(address newOwner) external onlyOwner {
        if (newOwner == address(0)) revert IHubAdmin.NewOwnerIsTheZeroAddress();
        _setOwner(newOwner);
    }

    /// @notice Leaves the hub without owner: no category, broker or callback gas can change afterwards.
    function renounceOwnership() external onlyOwner {
        _setOwner(address(0));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Configuration
    // ---------------------------------------------------------------------------------------------------------------

    function token() external view returns (address) {
        return TOKEN;
    }

    function appregistry() external view returns (address) {
        return APP_REGISTRY;
    }

    function datasetregistry() external view returns (address) {
        return DATASET_REGISTRY;
    }

    function workerpoolregistry() external view returns (address) {
        return WORKERPOOL_REGISTRY;
    }

    function teebroker() external view returns (address) {
        return HubStorage.layout().teebroker;
    }

    function callbackgas() external view returns (uint256) {
        return HubStorage.layout().callbackgas;
    }

    function setTeeBroker(address broker) external onlyOwner {
        HubStorage.Layout storage $ = HubStorage.layout();
        emit IHubAdmin.TeeBrokerUpdated($.teebroker, broker);
        $.teebroker = broker;
    }

    function setCallbackGas(uint256 gas) external onlyOwner {
        HubStorage.Layout storage $ = HubStorage.layout();
        emit IHubAdmin.CallbackGasUpdated($.callbackgas, gas);
        $.callbackgas = gas;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // EIP-712 domain
    // ---------------------------------------------------------------------------------------------------------------

    function domain() external view returns (IexecTypes.EIP712Domain memory) {
        return IexecTypes.EIP712Domain({
            name: string(abi.encodePacked(PocoConstants.DOMAIN_NAME)),
            version: string(abi.encodePacked(PocoConstants.DOMAIN_VERSION)),
            chainId: block.chainid,
            verifyingContract: address(this)
        });
    }

    function eip712domain_separator() external view returns (bytes32) {
        return _domainSeparator();
    }

    /// @notice Kept for ABI continuity: the separator is derived on every call, so there is nothing to refresh.
    // solhint-disable-next-line no-empty-blocks
    function updateDomainSeparator() external {}

    // ---------------------------------------------------------------------------------------------------------------
    // Constants (PoCo v5 getter names)
    // ---------------------------------------------------------------------------------------------------------------

    function contribution_deadline_ratio() external pure returns (uint256) {
        return PocoConstants.CONTRIBUTION_DEADLINE_RATIO;
    }

    function reveal_deadline_ratio() external pure returns (uint256) {
        return PocoConstants.REVEAL_DEADLINE_RATIO;
    }

    function final_deadline_ratio() external pure returns (uint256) {
        return PocoConstants.FINAL_DEADLINE_RATIO;
    }

    function workerpool_stake_ratio() external pure returns (uint256) {
        return PocoConstants.WORKERPOOL_STAKE_RATIO;
    }

    function kitty_ratio() external pure returns (uint256) {
        return PocoConstants.KITTY_RATIO;
    }

    function kitty_min() external pure returns (uint256) {
        return PocoConstants.KITTY_MIN;
    }

    function kitty_address() external pure returns (address) {
        return PocoConstants.KITTY_ADDRESS;
    }

    function groupmember_purpose() external pure returns (uint256) {
        return PocoConstants.GROUPMEMBER_PURPOSE;
    }

    function _setOwner(address newOwner) private {
        HubStorage.Layout storage $ = HubStorage.layout();
        emit IHubAdmin.OwnershipTransferred($.owner, newOwner);
        $.owner = newOwner;
    }
}
