// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @title IPoco
/// @notice The classic task lifecycle: initialize, contribute, reveal, reopen, finalize, claim, and the trust-1 fast
///         path contributeAndFinalize.
interface IPoco {
    event TaskInitialize(bytes32 indexed taskid, address indexed workerpool);
    event TaskContribute(bytes32 indexed taskid, address indexed worker, bytes32 hash);
    event TaskConsensus(bytes32 indexed taskid, bytes32 consensus);
    event TaskReveal(bytes32 indexed taskid, address indexed worker, bytes32 digest);
    event TaskReopen(bytes32 indexed taskid);
    event TaskFinalize(bytes32 indexed taskid, bytes results);
    event TaskClaimed(bytes32 indexed taskid);
    event AccurateContribution(address indexed worker, bytes32 indexed taskid);
    event FaultyContribution(address indexed worker, bytes32 indexed taskid);

    function initialize(bytes32 dealid, uint256 idx) external returns (bytes32);
    function contribute(
        bytes32 taskid,
        bytes32 resultHash,
        bytes32 resultSeal,
        address enclaveChallenge,
        bytes calldata enclaveSign,
        bytes calldata authorizationSign
    ) external;
    function contributeAndFinalize(
        bytes32 taskid,
        bytes32 resultDigest,
        bytes calldata results,
        bytes calldata resultsCallback,
        address enclaveChallenge,
        bytes calldata enclaveSign,
        bytes calldata authorizationSign
    ) external;
    function reveal(bytes32 taskid, bytes32 resultDigest) external;
    function reopen(bytes32 taskid) external;
    function finalize(bytes32 taskid, bytes calldata results, bytes calldata resultsCallback) external;
    function claim(bytes32 taskid) external;
    function initializeArray(bytes32[] calldata dealids, uint256[] calldata idxs) external returns (bool);
    function claimArray(bytes32[] calldata taskids) external returns (bool);
    function initializeAndClaimArray(bytes32[] calldata dealids, uint256[] calldata idxs) external returns (bool);
}
