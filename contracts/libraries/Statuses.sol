// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IexecTypes} from "../../interfaces/IexecTypes.sol";

// Task and contribution status codes as the hub stores them (uint8), taken from the IexecTypes enums that the views
// return: one definition, so the stored codes, the checks and the views cannot disagree.

uint8 constant TASK_UNSET = uint8(IexecTypes.TaskStatusEnum.UNSET);
uint8 constant TASK_ACTIVE = uint8(IexecTypes.TaskStatusEnum.ACTIVE);
uint8 constant TASK_REVEALING = uint8(IexecTypes.TaskStatusEnum.REVEALING);
uint8 constant TASK_COMPLETED = uint8(IexecTypes.TaskStatusEnum.COMPLETED);
uint8 constant TASK_FAILED = uint8(IexecTypes.TaskStatusEnum.FAILED);

uint8 constant CONTRIBUTION_UNSET = uint8(IexecTypes.ContributionStatusEnum.UNSET);
uint8 constant CONTRIBUTION_CONTRIBUTED = uint8(IexecTypes.ContributionStatusEnum.CONTRIBUTED);
uint8 constant CONTRIBUTION_PROVED = uint8(IexecTypes.ContributionStatusEnum.PROVED);
uint8 constant CONTRIBUTION_REJECTED = uint8(IexecTypes.ContributionStatusEnum.REJECTED);
