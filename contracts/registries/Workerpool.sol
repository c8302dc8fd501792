// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {RegistryEntry} from "./RegistryEntry.sol";
import {IWorkerpool} from "../../interfaces/IRegistry.sol";
import {IWorkerpoolRegistry} from "../../interfaces/IWorkerpoolRegistry.sol";

/// @title Workerpool
/// @notice A workerpool entry of the WorkerpoolRegistry: its description and its policy (SPECIFICATION §1.6), the latter
///         stored by the registry so that a match reads owner and policy with one call.
contract Workerpool is RegistryEntry, IWorkerpool {
    uint256 private constant MAX_SCHEDULER_REWARD_RATIO = 100;

    // PoCo v5 getter names, called by the iExec SDK (docs/SDK_COMPAT.md)
    // solhint-disable var-name-mixedcase
    string public m_workerpoolDescription;
    // solhint-enable var-name-mixedcase

    /// @inheritdoc IWorkerpool
    function initialize(string calldata description) external {
        _initializeOnce();
        m_workerpoolDescription = description;
    }

    function m_workerStakeRatioPolicy() external view returns (uint256 workerStakeRatio) {
        (workerStakeRatio,) = _policyRegistry().policyOf(address(this));
    }

    function m_schedulerRewardRatioPolicy() external view returns (uint256 schedulerRewardRatio) {
        (, schedulerRewardRatio) = _policyRegistry().policyOf(address(this));
    }

    /// @inheritdoc IWorkerpool
    function policy() external view returns (uint256 workerStakeRatio, uint256 schedulerRewardRatio) {
        return _policyRegistry().policyOf(address(this));
    }

    /// @inheritdoc IWorkerpool
    /// @dev The policy is kept by the registry (see WorkerpoolRegistry); the event stays the pool's own.
    function changePolicy(uint256 newWorkerStakeRatioPolicy, uint256 newSchedulerRewardRatioPolicy)
        external
        onlyOwner
    {
        if (newSchedulerRewardRatioPolicy > MAX_SCHEDULER_REWARD_RATIO) {
            revert SchedulerRewardRatioTooLarge(newSchedulerRewardRatioPolicy, MAX_SCHEDULER_REWARD_RATIO);
        }
        // the registry packs the stake ratio in 240 bits
        uint256 workerStakeRatio = SafeCast.toUint240(newWorkerStakeRatioPolicy);
        IWorkerpoolRegistry registry_ = _policyRegistry();
        (uint256 oldWorkerStakeRatio, uint256 oldSchedulerRewardRatio) = registry_.policyOf(address(this));
        emit PolicyUpdate(
            oldWorkerStakeRatio, newWorkerStakeRatioPolicy, oldSchedulerRewardRatio, newSchedulerRewardRatioPolicy
        );
        registry_.setPolicy(workerStakeRatio, newSchedulerRewardRatioPolicy);
    }

    function _policyRegistry() private view returns (IWorkerpoolRegistry) {
        return IWorkerpoolRegistry(_registry());
    }
}
