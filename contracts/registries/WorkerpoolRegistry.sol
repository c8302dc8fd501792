// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Registry} from "./Registry.sol";
import {Workerpool} from "./Workerpool.sol";
import {IWorkerpool} from "../../interfaces/IRegistry.sol";
import {IWorkerpoolRegistry} from "../../interfaces/IWorkerpoolRegistry.sol";
import {LibEntryWords} from "../libraries/LibEntryWords.sol";

/// @title WorkerpoolRegistry
/// @notice ERC-721 registry of workerpools; `createWorkerpool` deploys a Workerpool clone and mints its NFT.
/// @dev The registry also keeps each pool's policy (the Workerpool entry forwards `changePolicy` here), so a match
///      learns a pool's owner and policy in one call (`entryOwnerAndPolicy`) instead of also calling the pool; a bound
///      hub receives both in the pool's directory word on every mint, transfer and policy change.
contract WorkerpoolRegistry is Registry, IWorkerpoolRegistry {
    uint256 private constant DEFAULT_WORKER_STAKE_RATIO = 30;
    uint256 private constant DEFAULT_SCHEDULER_REWARD_RATIO = 1;
    /// @dev Marks a stored policy, so that 0 means "the default" and a new pool needs no policy write.
    uint256 private constant POLICY_SET = 1 << 255;

    /// @dev workerpool => POLICY_SET | workerStakeRatio << 8 | schedulerRewardRatio, or 0 for the default policy.
    ///      Workerpool.changePolicy bounds the values (scheduler ratio <= 100, stake ratio < 2^240).
    mapping(address workerpool => uint256 policy) private _policies;

    /// @param previous_ an earlier workerpool registry whose workerpools stay recognised, or the zero address
    constructor(address previous_)
        Registry("iExec Workerpool Registry (V5)", "iExecWorkerpoolV5", address(new Workerpool()), previous_)
    {}

    /// @inheritdoc IWorkerpoolRegistry
    function createWorkerpool(address owner, string calldata description) external returns (address workerpool) {
        workerpool = _createEntry(_salt(owner, description));
        Workerpool(workerpool).initialize(description);
        _mintEntry(owner, workerpool);
    }

    /// @inheritdoc IWorkerpoolRegistry
    function predictWorkerpool(address owner, string calldata description) external view returns (address) {
        return _predict(_salt(owner, description));
    }

    /// @inheritdoc IWorkerpoolRegistry
    function setPolicy(uint256 workerStakeRatio, uint256 schedulerRewardRatio) external {
        address owner = _ownerOf(uint160(msg.sender));
        if (owner == address(0)) revert NotAWorkerpool(msg.sender);
        _policies[msg.sender] = POLICY_SET | (workerStakeRatio << 8) | schedulerRewardRatio;
        _report(msg.sender, owner);
    }

    /// @inheritdoc IWorkerpoolRegistry
    function policyOf(address workerpool) public view returns (uint256 workerStakeRatio, uint256 schedulerRewardRatio) {
        uint256 policy = _policies[workerpool];
        if (policy == 0) return (DEFAULT_WORKER_STAKE_RATIO, DEFAULT_SCHEDULER_REWARD_RATIO);
        return ((policy & ~POLICY_SET) >> 8, policy & 0xff);
    }

    /// @inheritdoc IWorkerpoolRegistry
    function entryOwnerAndPolicy(address workerpool)
        external
        view
        returns (address owner, uint256 workerStakeRatio, uint256 schedulerRewardRatio)
    {
        owner = _ownerOf(uint160(workerpool));
        if (owner != address(0)) {
            (workerStakeRatio, schedulerRewardRatio) = policyOf(workerpool);
            return (owner, workerStakeRatio, schedulerRewardRatio);
        }
        owner = entryOwner(workerpool); // a pool of a previous registry keeps its policy itself
        if (owner != address(0)) {
            workerStakeRatio = IWorkerpool(workerpool).m_workerStakeRatioPolicy();
            schedulerRewardRatio = IWorkerpool(workerpool).m_schedulerRewardRatioPolicy();
        }
    }

    function _entryWord(address workerpool, address owner) internal view override returns (uint256) {
        (uint256 workerStakeRatio, uint256 schedulerRewardRatio) = policyOf(workerpool);
        return LibEntryWords.ofWorkerpool(owner, workerStakeRatio, schedulerRewardRatio);
    }

    function _salt(address owner, string calldata description) private pure returns (bytes32) {
        return keccak256(abi.encode(description, owner));
    }
}
