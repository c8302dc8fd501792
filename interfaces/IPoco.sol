// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @title IPoco
/// @notice The classic task lifecycle: initialize, contribute, reveal, reopen, finalize, claim, and the trust-1 fast
///         path contributeAndFinalize (SPECIFICATION §4). Deadlines are strict: a window is open while `deadline > now`
///         and over once `deadline <= now`.
interface IPoco {
    // ---------------------------------------------------------------------------------------------------------------
    // Events (PoCo v5 names and layouts: clients decode them by signature)
    // ---------------------------------------------------------------------------------------------------------------

    /// @notice Task `taskid` of a deal served by `workerpool` was created (status ACTIVE).
    event TaskInitialize(bytes32 indexed taskid, address indexed workerpool);
    /// @notice `worker` committed to result hash `hash` for `taskid` and locked its stake.
    event TaskContribute(bytes32 indexed taskid, address indexed worker, bytes32 hash);
    /// @notice The contributions for `taskid` reached consensus on `consensus`; winners may now reveal.
    event TaskConsensus(bytes32 indexed taskid, bytes32 consensus);
    /// @notice `worker` revealed `digest`, proving its contribution to the consensus of `taskid`.
    event TaskReveal(bytes32 indexed taskid, address indexed worker, bytes32 digest);
    /// @notice Nobody revealed in time: the consensus of `taskid` was dropped and its voters rejected.
    event TaskReopen(bytes32 indexed taskid);
    /// @notice `taskid` was completed with `results`; every party was paid.
    event TaskFinalize(bytes32 indexed taskid, bytes results);
    /// @notice `taskid` failed after its final deadline; the sponsor and contributors were refunded.
    event TaskClaimed(bytes32 indexed taskid);
    /// @notice `worker` revealed the accepted result of a replicated task: its score went up by one.
    event AccurateContribution(address indexed worker, bytes32 indexed taskid);
    /// @notice `worker` contributed to `taskid` but did not prove the accepted result: stake seized, score cut.
    event FaultyContribution(address indexed worker, bytes32 indexed taskid);

    // ---------------------------------------------------------------------------------------------------------------
    // Errors
    // ---------------------------------------------------------------------------------------------------------------

    /// Thrown when `initialize` gets an index outside the deal's range [botFirst, botFirst + botSize)
    /// (an unknown deal has an empty range).
    error TaskIndexOutOfDeal(bytes32 dealid, uint256 idx, uint256 botFirst, uint256 botSize);
    /// Thrown when `initialize` is called for a task that already exists.
    error TaskAlreadyInitialized(bytes32 taskid);
    /// Thrown when a contribution is made to a task that is not ACTIVE.
    error TaskNotActive(bytes32 taskid, uint8 status);
    /// Thrown when a reveal, reopen or finalize targets a task that is not REVEALING.
    error TaskNotRevealing(bytes32 taskid, uint8 status);
    /// Thrown when `claim` targets a task that is neither ACTIVE nor REVEALING (never initialized, or settled).
    error TaskNotClaimable(bytes32 taskid, uint8 status);
    /// Thrown when a contribution arrives once the contribution deadline has been reached (`deadline <= now`).
    error ContributionDeadlineReached(bytes32 taskid, uint256 deadline);
    /// Thrown when a reveal arrives once the reveal deadline has been reached.
    error RevealDeadlineReached(bytes32 taskid, uint256 deadline);
    /// Thrown when `reopen` is called while winners may still reveal (`revealDeadline > now`).
    error RevealDeadlineNotReached(bytes32 taskid, uint256 deadline);
    /// Thrown when `reopen` or `finalize` is called once the final deadline has been reached.
    error FinalDeadlineReached(bytes32 taskid, uint256 deadline);
    /// Thrown when `claim` is called before the final deadline.
    error FinalDeadlineNotReached(bytes32 taskid, uint256 deadline);
    /// Thrown when a worker contributes twice to the same task.
    error AlreadyContributed(bytes32 taskid, address worker);
    /// Thrown when a contribution's result hash is zero (SPECIFICATION §12.6).
    error ZeroResultHash(bytes32 taskid);
    /// Thrown when a contribution's result seal is zero (SPECIFICATION §12.6).
    error ZeroResultSeal(bytes32 taskid);
    /// Thrown when a task already holds the maximum number of contributions (SPECIFICATION §12.7).
    error TooManyContributors(bytes32 taskid, uint256 maxContributors);
    /// Thrown when a deal tagged TEE (tag bit 0) gets a contribution without an enclave challenge.
    error EnclaveRequired(bytes32 taskid);
    /// Thrown when the authorization is not signed by the expected signer: the TEE broker when one is set and an
    /// enclave is used, the deal's scheduler otherwise.
    error InvalidAuthorization(bytes32 taskid, address worker, address expectedSigner);
    /// Thrown when the enclave signature over (resultHash, resultSeal) is not the enclave challenge's.
    error InvalidEnclaveSignature(bytes32 taskid, address enclaveChallenge);
    /// Thrown when a reveal comes from a worker whose contribution is not CONTRIBUTED
    /// (never contributed, already proved, or rejected by a reopen).
    error NotContributed(bytes32 taskid, address worker, uint8 status);
    /// Thrown when a worker reveals a contribution whose hash is not the consensus.
    error ContributionNotConsensus(bytes32 taskid, bytes32 resultHash, bytes32 consensus);
    /// Thrown when the revealed digest does not hash, with the task id, to the contribution's result hash.
    error ResultHashMismatch(bytes32 taskid, bytes32 resultDigest);
    /// Thrown when the revealed digest does not hash, with the worker and task id, to the contribution's seal.
    error ResultSealMismatch(bytes32 taskid, address worker);
    /// Thrown when `reopen` or `finalize` is called by someone other than the deal's scheduler (workerpool owner at
    /// match time).
    error CallerIsNotTheScheduler(address caller, address scheduler);
    /// Thrown when `reopen` is called although some winner revealed.
    error TaskAlreadyRevealed(bytes32 taskid, uint256 revealCounter);
    /// Thrown when `finalize` is called before every winner revealed, or with no reveal at all.
    error RevealsMissing(bytes32 taskid, uint256 revealCounter, uint256 winnerCounter, uint256 revealDeadline);
    /// Thrown when `resultsCallback` breaks the callback data rule: it must hash to the result digest, or be empty
    /// when the deal has no callback.
    error CallbackDataMismatch(bytes32 taskid, bytes32 resultDigest);
    /// Thrown when `contributeAndFinalize` is used on a deal whose trust is not 1.
    error TrustIsNotOne(bytes32 taskid, uint256 trust);
    /// Thrown when `contributeAndFinalize` is used on a task that already has a contribution.
    error TaskHasContributions(bytes32 taskid, uint256 contributors);
    /// Thrown when a finalize leaves too little gas after the result callback (`gasleft() <= callbackgas / 63`):
    /// the caller may have starved the callback.
    error CallbackGasTooLow(bytes32 taskid, uint256 gasLeft, uint256 callbackGas);

    // ---------------------------------------------------------------------------------------------------------------
    // Functions
    // ---------------------------------------------------------------------------------------------------------------

    /// @notice Create task `idx` (absolute index, botFirst <= idx < botFirst + botSize) of deal `dealid`. Anyone.
    /// @return the task id, keccak256(dealid ‖ idx)
    function initialize(bytes32 dealid, uint256 idx) external returns (bytes32);

    /// @notice Commit to `resultHash` = H(taskid, digest) with `resultSeal` = H(worker, taskid, digest); locks the
    ///         deal's worker stake. `authorizationSign` signs ethmsg(H(worker, taskid, enclaveChallenge)) by the
    ///         scheduler, or by the TEE broker when one is set and `enclaveChallenge` is not zero; `enclaveSign` signs
    ///         ethmsg(H(resultHash, resultSeal)) by the enclave when there is one.
    function contribute(
        bytes32 taskid,
        bytes32 resultHash,
        bytes32 resultSeal,
        address enclaveChallenge,
        bytes calldata enclaveSign,
        bytes calldata authorizationSign
    ) external;

    /// @notice Trust-1 fast path: contribute, reveal and finalize in one call by the worker. No stake, no score
    ///         change; the worker earns pct(workerpool price, 100 - schedulerRewardRatio).
    function contributeAndFinalize(
        bytes32 taskid,
        bytes32 resultDigest,
        bytes calldata results,
        bytes calldata resultsCallback,
        address enclaveChallenge,
        bytes calldata enclaveSign,
        bytes calldata authorizationSign
    ) external;

    /// @notice Prove a contribution to the consensus by revealing its digest, before the reveal deadline.
    function reveal(bytes32 taskid, bytes32 resultDigest) external;

    /// @notice Scheduler only: drop a consensus nobody revealed in time; its voters are rejected.
    function reopen(bytes32 taskid) external;

    /// @notice Scheduler only: accept the revealed result and pay everyone; calls the deal's callback, if any, with
    ///         `resultsCallback` (which must hash to the result digest).
    function finalize(bytes32 taskid, bytes calldata results, bytes calldata resultsCallback) external;

    /// @notice Anyone, after the final deadline of an unfinished task: refund sponsor and contributors; the
    ///         scheduler's stake goes to the kitty.
    function claim(bytes32 taskid) external;

    function initializeArray(bytes32[] calldata dealids, uint256[] calldata idxs) external returns (bool);
    function claimArray(bytes32[] calldata taskids) external returns (bool);
    /// @notice Initialize then claim each task (for tasks never initialized whose final deadline has passed).
    function initializeAndClaimArray(bytes32[] calldata dealids, uint256[] calldata idxs) external returns (bool);
}
