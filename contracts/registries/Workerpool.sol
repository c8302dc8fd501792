// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {RegistryEntry} from "./RegistryEntry.sol";
import {IWorkerpool} from "../../interfaces/IRegistry.sol";

/// @title Workerpool
/// @notice A workerpool entry of the WorkerpoolRegistry: its description and its policy (PROTOCOL §1.6).
contract Workerpool is RegistryEntry, IWorkerpool {
    uint256 private constant DEFAULT_WORKER_STAKE_RATIO = 30;
    uint256 private constant DEFAULT_SCHEDULER_REWARD_RATIO = 1;
    uint256 private constant MAX_SCHEDULER_REWARD_RATIO = 100;

    // Both ratios share the slot of RegistryEntry's initialized flag: initialization writes one slot for them.
    uint8 private _schedulerRewardRatio;
    uint240 private _workerStakeRatio;
    // PoCo v5 getter names, called by the iExec SDK (SDK_COMPAT.md)
    // solhint-disable var-name-mixedcase
    string public m_workerpoolDescription;
    // solhint-enable var-name-mixedcase

    /// @inheritdoc IWorkerpool
    function initialize(string calldata description) external {
        _initializeOnce();
        _schedulerRewardRatio = uint8(DEFAULT_SCHEDULER_REWARD_RATIO);
        _workerStakeRatio = uint240(DEFAULT_WORKER_STAKE_RATIO);
        m_workerpoolDescription = description;
    }

    function m_workerStakeRatioPolicy() external view returns (uint256) {
        return _workerStakeRatio;
    }

    function m_schedulerRewardRatioPolicy() external view returns (uint256) {
        return _schedulerRewardRatio;
    }

    /// @inheritdoc IWorkerpool
    function policy() external view returns (uint256 workerStakeRatio, uint256 schedulerRewardRatio) {
        return (_workerStakeRatio, _schedulerRewardRatio);
    }

    /// @inheritdoc IWorkerpool
    function changePolicy(uint256 newWorkerStakeRatioPolicy, uint256 newSchedulerRewardRatioPolicy)
        external
        onlyOwner
    {
        if (newSchedulerRewardRatioPolicy > MAX_SCHEDULER_REWARD_RATIO) {
            revert SchedulerRewardRatioTooLarge(newSchedulerRewardRatioPolicy, MAX_SCHEDULER_REWARD_RATIO);
        }
        emit PolicyUpdate(
            _workerStakeRatio, newWorkerStakeRatioPolicy, _schedulerRewardRatio, newSchedulerRewardRatioPolicy
        );
        _workerStakeRatio = SafeCast.toUint240(newWorkerStakeRatioPolicy);
        _schedulerRewardRatio = uint8(newSchedulerRewardRatioPolicy);
    }
}
