// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {HubBase} from "./HubBase.sol";
import {HubStorage} from "./HubStorage.sol";
import {PocoConstants} from "../libraries/PocoConstants.sol";
import {LibSignatures} from "../libraries/LibSignatures.sol";
import {IPoco} from "../../interfaces/IPoco.sol";
import {IOracleConsumer} from "../../interfaces/IOracleConsumer.sol";

/// @title PocoBase
/// @notice What the task-lifecycle modules share: status codes, task creation, the contribution signature checks,
///         the deal's payment terms, the success payments (PROTOCOL §4.6 successWork) and the result callback.
abstract contract PocoBase is HubBase {
    // Task status (IexecTypes.TaskStatusEnum)
    uint8 internal constant TASK_UNSET = 0;
    uint8 internal constant TASK_ACTIVE = 1;
    uint8 internal constant TASK_REVEALING = 2;
    uint8 internal constant TASK_COMPLETED = 3;
    uint8 internal constant TASK_FAILED = 4;
    // Contribution status (IexecTypes.ContributionStatusEnum)
    uint8 internal constant CONTRIBUTION_UNSET = 0;
    uint8 internal constant CONTRIBUTION_CONTRIBUTED = 1;
    uint8 internal constant CONTRIBUTION_PROVED = 2;
    uint8 internal constant CONTRIBUTION_REJECTED = 3;

    /// @dev The money side of a deal, read once per settlement (the packed deal keeps these in four slots).
    struct Terms {
        address sponsor;
        address appOwner;
        uint256 appPrice;
        address datasetOwner;
        uint256 datasetPrice;
        address scheduler;
        uint256 workerpoolPrice;
        uint256 workerStake;
        uint256 schedulerRewardRatio;
    }


    /// @dev PROTOCOL §4.2. Writes two fresh slots (status/deadlines/idx and dealid); the consensus total starts at 1
    ///      through `totalMinusOne == 0`, so it needs no write.
    function _initialize(bytes32 dealid, uint256 idx) internal returns (bytes32 taskid) {
        HubStorage.Layout storage $ = HubStorage.layout();
        HubStorage.Deal storage deal = $.deals[dealid];
        uint256 botFirst = deal.botFirst;
        uint256 botSize = deal.botSize;
        if (idx < botFirst || idx >= botFirst + botSize) {
            revert IPoco.TaskIndexOutOfDeal(dealid, idx, botFirst, botSize);
        }
        taskid = _taskId(dealid, idx);
        HubStorage.Task storage task = $.tasks[taskid];
        if (task.status != TASK_UNSET) revert IPoco.TaskAlreadyInitialized(taskid);

        // categories are bounded by MAX_WORK_CLOCK_TIME_REF (uint32) and startTime is a uint40: every deadline below
        // fits in 40 bits for millennia; idx < botFirst + botSize, both uint48.
        uint256 timeref = HubStorage.timeRefIn($.categories[deal.category].refWord);
        uint256 start = deal.startTime;
        task.status = TASK_ACTIVE;
        task.timeref = uint40(timeref);
        task.contributionDeadline = uint40(start + PocoConstants.CONTRIBUTION_DEADLINE_RATIO * timeref);
        task.finalDeadline = uint40(start + PocoConstants.FINAL_DEADLINE_RATIO * timeref);
        task.idx = uint48(idx);
        task.dealid = dealid;
        emit IPoco.TaskInitialize(taskid, deal.workerpool);
    }

    /// @dev True when the deal's tag asks for a TEE (bit 0).
    function _requiresEnclave(HubStorage.Deal storage deal) internal view returns (bool) {
        if (deal.flags & HubStorage.FLAG_LONG_TAG != 0) return uint256(deal.tag) & 1 != 0;
        return deal.shortTag & 1 != 0;
    }

    /// @dev PROTOCOL §4.3 checks 4-6: TEE rule, worker authorization (TEE broker or scheduler), enclave signature.
    function _checkContributionSignatures(
        bytes32 taskid,
        HubStorage.Deal storage deal,
        bytes32 resultHash,
        bytes32 resultSeal,
        address enclaveChallenge,
        bytes calldata enclaveSign,
        bytes calldata authorizationSign
    ) internal view {
        address authorizer;
        if (enclaveChallenge == address(0)) {
            if (_requiresEnclave(deal)) revert IPoco.EnclaveRequired(taskid);
            authorizer = deal.workerpoolOwner;
        } else {
            authorizer = HubStorage.layout().teebroker;
            if (authorizer == address(0)) authorizer = deal.workerpoolOwner;
        }
        bytes32 authorization =
            MessageHashUtils.toEthSignedMessageHash(_authorizationHash(msg.sender, taskid, enclaveChallenge));
        if (!_isValidSignature(authorizer, authorization, authorizationSign)) {
            revert IPoco.InvalidAuthorization(taskid, msg.sender, authorizer);
        }
        if (enclaveChallenge != address(0)) {
            bytes32 enclaveMessage = MessageHashUtils.toEthSignedMessageHash(keccak256(abi.encodePacked(resultHash, resultSeal)));
            if (!_isValidSignature(enclaveChallenge, enclaveMessage, enclaveSign)) {
                revert IPoco.InvalidEnclaveSignature(taskid, enclaveChallenge);
            }
        }
    }

    /// @dev A 65-byte (r, s, v) or 64-byte EIP-2098 (r, vs) ECDSA signature by `signer` (LibSignatures.recover), or
    ///      else an ERC-1271 approval when `signer` is a contract. ECDSA is tried first so that the usual EOA signer
    ///      costs no EXTCODESIZE (a contract address cannot produce an ECDSA signature).
    function _isValidSignature(address signer, bytes32 hash, bytes calldata signature) internal view returns (bool) {
        if (signer != address(0) && LibSignatures.recover(hash, signature) == signer) return true;
        return signer.code.length != 0 && SignatureChecker.isValidERC1271SignatureNowCalldata(signer, hash, signature);
    }

    /// @dev Reads the payment terms of a deal. The dataset slot is all zeros for a deal without dataset, so it is
    ///      read without looking at the dataset address first.
    function _terms(HubStorage.Deal storage deal) internal view returns (Terms memory t) {
        t.appOwner = deal.appOwner;
        t.appPrice = deal.appPrice;
        t.datasetOwner = deal.datasetOwner;
        t.datasetPrice = deal.datasetPrice;
        t.scheduler = deal.workerpoolOwner;
        t.workerpoolPrice = deal.workerpoolPrice;
        t.workerStake = deal.workerStake;
        t.schedulerRewardRatio = deal.schedulerRewardRatio;
        t.sponsor = deal.flags & HubStorage.FLAG_SPONSOR_IS_REQUESTER != 0 ? deal.requester : deal.sponsor;
    }

    /// @dev PROTOCOL §4.6 successWork: the sponsor pays the task price, app and dataset owners are paid, the
    ///      scheduler's stake is released and it receives the kitty slice. The workers' pot is paid by the caller,
    ///      through `_rewardAccount` / `_unlockAccount`: `laterOut` is all the caller rewards or unlocks afterwards,
    ///      taken off the hub's balance here, so that the hub's word is written once per settlement.
    function _successWork(bytes32 taskid, Terms memory t, uint256 laterOut) internal {
        HubStorage.Layout storage $ = HubStorage.layout();
        _seize(t.sponsor, t.appPrice + t.datasetPrice + t.workerpoolPrice, taskid);
        if (t.appPrice != 0) _rewardAccount($, t.appOwner, t.appPrice, taskid);
        if (t.datasetPrice != 0) _rewardAccount($, t.datasetOwner, t.datasetPrice, taskid);
        uint256 stake = _pct(t.workerpoolPrice, PocoConstants.WORKERPOOL_STAKE_RATIO);
        _unlockAccount($, t.scheduler, stake);
        uint256 slice = _seizeKittySliceAndTake($, t.appPrice + t.datasetPrice + stake + laterOut, taskid);
        if (slice != 0) _rewardAccount($, t.scheduler, slice, taskid);
    }

    /// @dev Tells the deal's callback contract, if any, about the result (PROTOCOL §4.9). The call gets at most
    ///      `callbackgas`; its outcome and return data are ignored (a reverting or gas-burning consumer, or an EOA,
    ///      cannot block finalize). Afterwards more than callbackgas / 63 gas must remain, otherwise the caller may
    ///      have starved the call (EIP-150 forwards at most 63/64 of what is left).
    function _executeCallback(bytes32 taskid, address callback, bytes calldata resultsCallback) internal {
        if (callback == address(0)) return;
        uint256 callbackGas = HubStorage.layout().callbackgas;
        bytes memory data = abi.encodeCall(IOracleConsumer.receiveResult, (taskid, resultsCallback));
        assembly ("memory-safe") {
            // no return data is copied: a consumer cannot make the hub pay for a large answer
            pop(call(callbackGas, callback, 0, add(data, 0x20), mload(data), 0, 0))
        }
        uint256 left = gasleft();
        if (left <= callbackGas / 63) revert IPoco.CallbackGasTooLow(taskid, left, callbackGas);
    }

    /// @dev The callback data rule (PROTOCOL §4.6): data hashes to the digest, or is empty when there is no callback.
    ///      The digest is read from storage only when it is needed.
    function _checkCallbackData(bytes32 taskid, address callback, bytes32 digest, bytes calldata resultsCallback)
        internal
        pure
    {
        if (callback == address(0) && resultsCallback.length == 0) return;
        if (keccak256(resultsCallback) != digest) revert IPoco.CallbackDataMismatch(taskid, digest);
    }
}
