// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @title IRegistry
/// @notice What the hub asks of the app, dataset and workerpool registries (ERC-721 Enumerable; token id =
///         uint160(entry address); the NFT owner owns the entry).
interface IRegistry {
    /// Thrown when creating an entry whose (deterministic) address already holds one: same arguments, same owner.
    error EntryAlreadyRegistered(address entry);
    /// Thrown when someone else than the account that deployed the registry tries to bind it to a hub.
    error NotRegistryDeployer(address caller, address deployer);
    /// Thrown when binding a registry that is already bound (a registry reports to one hub, for good).
    error HubAlreadyBound(address hub);
    /// Thrown when binding a registry to an address that holds no contract.
    error InvalidHub(address hub);

    /// @notice The registry now reports every ownership change (and, for workerpools, policy change) to `hub`.
    event HubBound(address indexed hub);

    /// @notice True if `entry` was created by this registry (or a previous one it chains to).
    function isRegistered(address entry) external view returns (bool);
    /// @notice The owner of a registered `entry`, or the zero address when `entry` is not registered. One call that
    ///         answers both questions the market asks, without reverting.
    function entryOwner(address entry) external view returns (address);
    function ownerOf(uint256 tokenId) external view returns (address);

    /// @notice The hub this registry reports to (IRegistryListener), or the zero address before `bindHub`.
    function hub() external view returns (address);
    /// @notice Deployer only, once: from now on every mint, transfer and policy change is reported to `hub_`, which
    ///         keeps a copy of each entry's owner (and policy) so that a match reads one storage word per asset
    ///         instead of calling the registry.
    function bindHub(address hub_) external;
}

/// @title IRegistryListener
/// @notice What a registry calls on the hub it is bound to. `word` is the entry's directory word (LibEntryWords):
///         its owner in the low 160 bits and, for a workerpool, its policy above; 0 tells the hub to ask the
///         registry instead (a workerpool whose stake ratio does not fit the word).
interface IRegistryListener {
    /// Thrown when an account that is not one of the hub's three registries reports an entry.
    error NotARegistry(address caller);

    function onRegistryUpdate(address entry, uint256 word) external;
}

/// @title IRegistryEntry
/// @notice What every registry entry (app, dataset, workerpool) answers. An entry is a clone of its registry's master
///         contract, initialized once at creation; its owner is whoever holds its NFT.
interface IRegistryEntry {
    /// Thrown when an entry (or a registry's master contract) is initialized a second time.
    error AlreadyInitialized();

    /// @notice `registry.ownerOf(uint160(this))`: transferring the NFT transfers the entry.
    function owner() external view returns (address);
    /// @notice The registry that created this entry.
    function registry() external view returns (address);
}

/// @title IWorkerpool
/// @notice The workerpool entry's policy, snapshotted into each deal at match time.
interface IWorkerpool is IRegistryEntry {
    /// @notice The owner changed the policy (PoCo v5 event, arguments old then new).
    event PolicyUpdate(
        uint256 oldWorkerStakeRatioPolicy,
        uint256 newWorkerStakeRatioPolicy,
        uint256 oldSchedulerRewardRatioPolicy,
        uint256 newSchedulerRewardRatioPolicy
    );

    /// Thrown when the scheduler's share of a task's reward would exceed 100 %.
    error SchedulerRewardRatioTooLarge(uint256 ratio, uint256 max);

    /// @notice Called once by the registry right after cloning; sets the default policy.
    function initialize(string calldata description) external;

    function m_workerpoolDescription() external view returns (string memory);
    /// @notice % of the workerpool price a worker stakes per contribution (default 30).
    function m_workerStakeRatioPolicy() external view returns (uint256);
    /// @notice % of a task's reward pot kept by the scheduler (default 1, at most 100).
    function m_schedulerRewardRatioPolicy() external view returns (uint256);
    /// @notice Both ratios in one call (what the market reads at match time).
    function policy() external view returns (uint256 workerStakeRatio, uint256 schedulerRewardRatio);
    /// @notice Owner only. Deals already matched keep the ratios they were matched with.
    function changePolicy(uint256 newWorkerStakeRatioPolicy, uint256 newSchedulerRewardRatioPolicy) external;
}
